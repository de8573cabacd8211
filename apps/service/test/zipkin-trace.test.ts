/**
 * The local trace viewer shows what happened to one order: the service as its own process exports
 * to Zipkin's server, and Zipkin's API gives back the order's traces by the order id, with the
 * inbound, relay, consume and Uniware spans in them.
 */
import { startZipkin, type Zipkin } from '@cancel-sync/devstack';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from './support/mothers.ts';
import { type ServiceProcess, spawnService } from './support/running-service.ts';
import { openWorld, type World } from './support/world.ts';

let zipkin: Zipkin;
let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: ServiceProcess;
let world: World;
let env: Record<string, string>;

beforeAll(async () => {
  [zipkin, sandbox] = await Promise.all([startZipkin(), startSandbox()]);
  env = testEnvironment(sandbox.url, {
    OTEL_TRACES_EXPORTER: 'zipkin',
    OTEL_EXPORTER_ZIPKIN_ENDPOINT: `${zipkin.url}/api/v2/spans`,
    OTEL_BSP_SCHEDULE_DELAY: '200',
  });
  world = await openWorld(env);
  await world.registerSeller('seller-1', 'zipkin-password-123');
  service = await spawnService(env, 'traced');
}, 240_000);

afterAll(async () => {
  await service?.kill('SIGTERM');
  await world?.close();
  await sandbox?.close();
  await zipkin?.stop();
});

interface ZipkinSpan {
  readonly traceId: string;
  readonly name: string;
  readonly kind?: string;
  readonly tags?: Record<string, string>;
}

describe('one order in the trace viewer', () => {
  it("finds the order's traces by its id, holding the inbound, relay, consume and Uniware spans", {
    timeout: 120_000,
  }, async () => {
    const order = anOrder({ items: [anItem({ quantity: 4 })] });
    await world.seedOrder(order);
    const { accessToken } = (await (
      await fetch(`${service.httpUrl}/authToken?username=uc-seller-1&password=zipkin-password-123`)
    ).json()) as { accessToken: string };
    await fetch(`${service.httpUrl}/orders/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apiKey: accessToken },
      body: JSON.stringify({
        orderId: order.orderId,
        orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
      }),
    });
    const event = aCancelledEvent({ orderId: order.orderId });
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      { key: order.orderId, value: JSON.stringify(event) },
    ]);
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (job) => job?.state === 'delivered',
    );

    const query = new URLSearchParams({
      serviceName: 'cancel-sync',
      annotationQuery: `cancel_sync.order_id=${order.orderId}`,
      lookback: '3600000',
      limit: '20',
    });
    const wanted = (names: Set<string>) =>
      names.has('cancel order from uniware') &&
      names.has(`${env.TOPIC_ORDER_CANCELLED} publish`) &&
      names.has(`${env.TOPIC_ORDER_CANCELLED} process`) &&
      names.has('deliver cancellation to uniware') &&
      names.has('uniware cancel order');
    const traces = await waitFor(
      async () => (await (await fetch(`${zipkin.url}/api/v2/traces?${query}`)).json()) as ZipkinSpan[][],
      (found) => wanted(new Set(found.flat().map((span) => span.name))),
      { timeoutMs: 30_000, intervalMs: 500, what: "the order's spans in Zipkin" },
    );
    const names = new Set(traces.flat().map((span) => span.name));
    process.stdout.write(
      `[zipkin] order ${order.orderId}: ${traces.length} traces, spans ${[...names].sort().join(', ')}\n`,
    );
    // The inbound trace: the HTTP request, the use case and the relay's publish share one trace.
    const inbound = traces.find((trace) => trace.some((span) => span.name === 'cancel order from uniware'));
    expect(inbound?.some((span) => span.name === `${env.TOPIC_ORDER_CANCELLED} publish`)).toBe(true);
    expect(inbound?.some((span) => span.tags?.['http.route'] === '/orders/cancel')).toBe(true);
    // The outbound trace: the consume span and the attempt with its call to Uniware.
    const outbound = traces.find((trace) =>
      trace.some((span) => span.name === 'deliver cancellation to uniware'),
    );
    expect(outbound?.some((span) => span.name === 'uniware cancel order')).toBe(true);
    expect(outbound?.some((span) => span.name === `${env.TOPIC_ORDER_CANCELLED} process`)).toBe(true);
  });
});
