/**
 * The metrics an SRE alerts on are there, named once, and a scrape answers even when a gauge's
 * source (MongoDB, Kafka) does not.
 */
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addScrapedGauge, createMetrics } from '../src/metrics.ts';
import type { RunningService } from '../src/service.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent } from './support/mothers.ts';
import { startInProcess } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

describe('a gauge read at scrape time', () => {
  it('is left out, and says so, when its source fails or hangs; the scrape still answers', async () => {
    const metrics = createMetrics();
    addScrapedGauge(metrics, 'test_failing', 'fails', [], async () => {
      throw new Error('MongoServerSelectionError');
    });
    addScrapedGauge(metrics, 'test_hanging', 'hangs', [], () => new Promise(() => undefined));
    addScrapedGauge(metrics, 'test_fine', 'answers', ['state'], async () => [
      { labels: { state: 'x' }, value: 3 },
    ]);
    const startedAt = Date.now();
    const text = await metrics.registry.metrics();
    expect(Date.now() - startedAt).toBeLessThan(5_000);
    expect(text).toContain('cancel_sync_scrape_source_up{source="test_failing"} 0');
    expect(text).toContain('cancel_sync_scrape_source_up{source="test_hanging"} 0');
    expect(text).toContain('cancel_sync_scrape_source_up{source="test_fine"} 1');
    expect(text).toContain('test_fine{state="x"} 3');
    expect(text).toMatch(/^test_failing nan$/im);
    expect(text).toMatch(/^test_hanging nan$/im);
  });
});

describe('the service’s metrics', () => {
  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  let service: RunningService;
  let world: World;
  let env: Record<string, string>;

  beforeAll(async () => {
    sandbox = await startSandbox();
    env = testEnvironment(sandbox.url);
    world = await openWorld(env);
    await world.registerSeller('seller-1');
    service = await startInProcess(env);
  });

  afterAll(async () => {
    await service?.stop();
    await world?.close();
    await sandbox?.close();
  });

  it('names lag, backlog ages, HTTP latency by route and status, and process metrics without a doubled prefix', async () => {
    const event = aCancelledEvent();
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      { key: String(event.orderId), value: JSON.stringify(event) },
    ]);
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (job) => job?.state === 'delivered',
    );
    await fetch(`${service.httpUrl}/orders/cancel`, {
      method: 'POST',
      body: '{}',
      headers: { 'content-type': 'application/json' },
    });
    const text = await (await fetch(service.metricsUrl ?? '')).text();
    for (const expected of [
      'cancel_sync_delivery_jobs{state="delivered"} 1',
      'cancel_sync_oldest_pending_delivery_age_seconds 0',
      'cancel_sync_oldest_unpublished_announcement_age_seconds 0',
      `cancel_sync_consumer_lag{topic="${env.TOPIC_ORDER_CANCELLED}",partition="0"}`,
      'cancel_sync_http_request_duration_seconds_count{route="/orders/cancel",method="POST",status="401"} 1',
      'cancel_sync_scrape_source_up{source="cancel_sync_delivery_jobs"} 1',
      'cancel_sync_process_cpu_seconds_total',
      'cancel_sync_deliveries_total{outcome="delivered"} 1',
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('cancel_sync_process_process_');
  });
});
