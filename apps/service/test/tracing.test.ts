/**
 * One cancellation is one trace, in both directions and across time, and no secret reaches a span
 * or a log line. The service runs in this process with an in-memory span exporter.
 */
import { Writable } from 'node:stream';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { type RunningService, startService } from '../src/service.ts';
import { shutdownTelemetry, startTelemetry } from '../src/telemetry-sdk.ts';
import { testEnvironment, waitFor } from './support/environment.ts';
import { aCancelledEvent, anItem, anOrder } from './support/mothers.ts';
import { openWorld, type World } from './support/world.ts';

const exporter = new InMemorySpanExporter();
startTelemetry({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });

const logLines: string[] = [];
const logs = new Writable({
  write(chunk, _encoding, done) {
    logLines.push(String(chunk));
    done();
  },
});

const SECURITY_KEY = 'uc-security-key-9f3a7d0c';
const PASSWORD = 'tracing-password-5e1b8c';

let sandbox: Awaited<ReturnType<typeof startSandbox>>;
let service: RunningService;
let world: World;
let env: Record<string, string>;

beforeAll(async () => {
  sandbox = await startSandbox({ securityKey: SECURITY_KEY });
  env = testEnvironment(sandbox.url, { UC_SECURITY_KEY: SECURITY_KEY, LOG_LEVEL: 'debug' });
  world = await openWorld(env);
  await world.registerSeller('seller-1', PASSWORD);
  const config = loadConfig(env);
  service = await startService(config, createLogger(config, logs));
});

afterAll(async () => {
  await service?.stop();
  await world?.close();
  await sandbox?.close();
  await shutdownTelemetry();
});

const spans = () => exporter.getFinishedSpans();
const named = (name: string, traceId?: string) =>
  spans().filter(
    (span) => span.name === name && (traceId === undefined || span.spanContext().traceId === traceId),
  );
const parentOf = (span: ReadableSpan | undefined) => span?.parentSpanContext?.spanId;

describe('an inbound cancellation', () => {
  it('is one trace from the HTTP request through the use case and the outbox relay to its Kafka consumer', async () => {
    const order = anOrder({ items: [anItem({ quantity: 3 })] });
    await world.seedOrder(order);
    const api = service.httpUrl ?? '';
    const login = await fetch(`${api}/authToken?username=uc-seller-1&password=${PASSWORD}`);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const answer = await fetch(`${api}/orders/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apiKey: accessToken },
      body: JSON.stringify({
        orderId: order.orderId,
        orderItems: [{ orderItemId: 'item-1', productId: 'prod-1', variantId: 'var-1', quantity: 1 }],
      }),
    });
    expect(answer.status).toBe(200);

    const [useCase] = await waitFor(
      () =>
        spans().filter(
          (span) =>
            span.attributes['cancel_sync.order_id'] === order.orderId &&
            span.name === 'cancel order from uniware',
        ),
      (found) => found.length === 1,
      { what: 'the use-case span' },
    );
    const traceId = useCase?.spanContext().traceId ?? '';
    expect(useCase?.attributes).toMatchObject({ 'cancel_sync.status': 'SUCCESS', 'cancel_sync.lines': 1 });
    // The request span of Fastify is an ancestor of the use case.
    const requestSpans = spans().filter(
      (span) => span.spanContext().traceId === traceId && span.attributes['http.route'] === '/orders/cancel',
    );
    expect(requestSpans.length).toBeGreaterThan(0);

    const topic = env.TOPIC_ORDER_CANCELLED ?? '';
    const [publish] = await waitFor(
      () => named(`${topic} publish`, traceId),
      (found) => found.length === 1,
      {
        what: 'the relay publish span in the same trace',
      },
    );
    expect(parentOf(publish)).toBe(useCase?.spanContext().spanId);
    expect(publish?.attributes).toMatchObject({
      'messaging.system': 'kafka',
      'messaging.destination.name': topic,
      'messaging.kafka.message.key': order.orderId,
    });
    // The service consumes its own announcement (and ignores it): the consumer span joins the trace.
    const [consumed] = await waitFor(
      () => named(`${topic} process`, traceId),
      (found) => found.length === 1,
      {
        what: 'the consume span in the same trace',
      },
    );
    expect(parentOf(consumed)).toBe(publish?.spanContext().spanId);
  });
});

describe('an outbound cancellation', () => {
  it("is one trace from the producer's context through the consumer to every attempt, two of them retried", async () => {
    const producerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const producerSpan = '00f067aa0ba902b7';
    const event = aCancelledEvent();
    sandbox.state.setFaults({ serverError: { rate: 1, status: 503 } });
    await world.publish(env.TOPIC_ORDER_CANCELLED ?? '', [
      {
        key: String(event.orderId),
        value: JSON.stringify(event),
        headers: { traceparent: `00-${producerTrace}-${producerSpan}-01` },
      } as never,
    ]);
    await waitFor(
      () => sandbox.state.calls.list(String(event.orderId)),
      (calls) => calls.length >= 2,
      {
        what: 'two refused calls',
      },
    );
    sandbox.state.setFaults({});
    await waitFor(
      () => world.stores.deliveryJobs.find(String(event.eventId)),
      (job) => job?.state === 'delivered',
      { what: 'the delivery', timeoutMs: 15_000 },
    );
    const job = await world.stores.deliveryJobs.find(String(event.eventId));
    const attempts = await waitFor(
      () => named('deliver cancellation to uniware', producerTrace),
      (found) => found.length === (job?.attempts ?? -1),
      { what: 'one span per attempt' },
    );
    const [consumed] = named(`${env.TOPIC_ORDER_CANCELLED} process`, producerTrace);
    expect(parentOf(consumed)).toBe(producerSpan);
    const byAttempt = [...attempts].sort(
      (a, b) => Number(a.attributes['cancel_sync.attempt']) - Number(b.attributes['cancel_sync.attempt']),
    );
    expect(byAttempt.map((span) => span.attributes['cancel_sync.outcome'])).toEqual([
      ...Array.from({ length: byAttempt.length - 1 }, () => 'retry-scheduled'),
      'delivered',
    ]);
    for (const span of byAttempt) expect(parentOf(span)).toBe(consumed?.spanContext().spanId);
    const byStart = (a: ReadableSpan, b: ReadableSpan) =>
      a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1];
    const calls = named('uniware cancel order', producerTrace).sort(byStart);
    // Each call to Uniware is a child of its attempt.
    expect(calls.map(parentOf)).toEqual(byAttempt.map((span) => span.spanContext().spanId));
    expect(calls.map((span) => span.attributes['http.response.status_code'])).toEqual([
      ...Array.from({ length: byAttempt.length - 1 }, () => 503),
      200,
    ]);
    expect(byAttempt[0]?.attributes['cancel_sync.retry_delay_ms']).toEqual(expect.any(Number));
    expect(
      calls.find((span) => span.attributes['http.response.status_code'] === 200)?.attributes[
        'uniware.status'
      ],
    ).toBe('success');
  });
});

describe('secrets', () => {
  it('never appear in a span attribute, a span event or a log line', async () => {
    const api = service.httpUrl ?? '';
    // Failures too: a wrong password, an unknown token, a refused line.
    await fetch(`${api}/authToken?username=uc-seller-1&password=wrong-${PASSWORD}`);
    await fetch(`${api}/authToken`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'uc-seller-1', password: PASSWORD }),
    });
    const { accessToken } = (await (
      await fetch(`${api}/authToken?username=uc-seller-1&password=${PASSWORD}`)
    ).json()) as { accessToken: string };
    await fetch(`${api}/orders/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apiKey: `${accessToken}x` },
      body: '{}',
    });
    await fetch(`${api}/orders/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apiKey: accessToken },
      body: JSON.stringify({
        orderId: 'SO-none',
        orderItems: [{ orderItemId: 'i', productId: 'p', variantId: 'v', quantity: 1 }],
      }),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));

    const secrets = [PASSWORD, accessToken, SECURITY_KEY];
    // This test's own fetch calls are traced too (same process): they are the client, not the service.
    const ours = spans().filter((span) => !String(span.attributes['url.full'] ?? '').startsWith(api));
    const exported = JSON.stringify(
      ours.map((span) => ({
        name: span.name,
        attributes: span.attributes,
        events: span.events,
        status: span.status,
      })),
    );
    const logged = logLines.join('');
    expect(spans().length).toBeGreaterThan(10);
    expect(logLines.length).toBeGreaterThan(10);
    for (const secret of secrets) {
      expect(exported.includes(secret), `a span holds ${secret.slice(0, 4)}…`).toBe(false);
      expect(logged.includes(secret), `a log line holds ${secret.slice(0, 4)}…`).toBe(false);
    }
    const authSpans = spans().filter((span) =>
      String(span.attributes['url.path'] ?? '').startsWith('/authToken'),
    );
    expect(authSpans.length).toBeGreaterThan(0);
    expect(authSpans.every((span) => !String(span.attributes['url.path']).includes('?'))).toBe(true);
  });

  it('logs carry the trace and span ids of the work they describe', () => {
    const traced = logLines.filter((line) => line.includes('"trace_id"'));
    expect(traced.length).toBeGreaterThan(0);
    expect(JSON.parse(traced[0] ?? '{}')).toMatchObject({
      trace_id: expect.stringMatching(/^[0-9a-f]{32}$/),
      span_id: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
  });
});
