/** Prometheus metrics of the service, served on their own port so the public API stays small. */
import { createServer, type Server } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const createMetrics = () => {
  const registry = new Registry();
  // Node's own names already start with process_ or nodejs_: cancel_sync_process_cpu_seconds_total.
  collectDefaultMetrics({ register: registry, prefix: 'cancel_sync_' });
  const registers = [registry];
  return {
    registry,
    inboundCancellations: new Counter({
      name: 'cancel_sync_inbound_cancellations_total',
      help: 'POST /orders/cancel answers by status; replayed = answered from an earlier identical request.',
      labelNames: ['status', 'replayed'] as const,
      registers,
    }),
    eventsConsumed: new Counter({
      name: 'cancel_sync_events_consumed_total',
      help: 'Kafka messages handled, by topic and result.',
      labelNames: ['topic', 'result'] as const,
      registers,
    }),
    deliveries: new Counter({
      name: 'cancel_sync_deliveries_total',
      help: 'Finished deliveries to Uniware by outcome: delivered, rejected, probably-applied, disagreed, dead.',
      labelNames: ['outcome'] as const,
      registers,
    }),
    deliveryRetries: new Counter({
      name: 'cancel_sync_delivery_retries_total',
      help: 'Attempts that will be retried, by whether Uniware may have applied them.',
      labelNames: ['outcome_unknown'] as const,
      registers,
    }),
    uniwareCalls: new Histogram({
      name: 'cancel_sync_uniware_call_seconds',
      help: 'Duration of calls to Uniware by answer kind.',
      labelNames: ['answer'] as const,
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers,
    }),
    authCircuitsOpen: new Gauge({
      name: 'cancel_sync_uniware_auth_circuits_open',
      help: 'Sellers whose deliveries are paused because Uniware refused our credentials.',
      registers,
    }),
    outboxPublished: new Counter({
      name: 'cancel_sync_outbox_published_total',
      help: 'order.cancelled announcements published from the outbox.',
      registers,
    }),
    takeovers: new Counter({
      name: 'cancel_sync_delivery_takeovers_total',
      help: 'Jobs taken over from a holder whose lease ran out; maybe_sent = it had started a call (a possible repeat).',
      labelNames: ['maybe_sent'] as const,
      registers,
    }),
    parkedRecords: new Counter({
      name: 'cancel_sync_parked_records_total',
      help: 'Kafka records moved past after their handling kept failing, by topic.',
      labelNames: ['topic'] as const,
      registers,
    }),
    deadLetters: new Counter({
      name: 'cancel_sync_dead_letters_total',
      help: 'Messages and deliveries sent to a dead-letter topic, by code.',
      labelNames: ['code'] as const,
      registers,
    }),
  };
};

export type Metrics = ReturnType<typeof createMetrics>;

/** A gauge whose value is read when Prometheus scrapes, e.g. delivery jobs by state. */
export const addScrapedGauge = (
  metrics: Metrics,
  name: string,
  help: string,
  labelName: string,
  read: () => Promise<Record<string, number>>,
): void => {
  new Gauge({
    name,
    help,
    labelNames: [labelName],
    registers: [metrics.registry],
    async collect() {
      for (const [label, value] of Object.entries(await read())) this.set({ [labelName]: label }, value);
    },
  });
};

export const serveMetrics = async (metrics: Metrics, host: string, port: number): Promise<Server> => {
  const server = createServer(async (request, response) => {
    if (request.url !== '/metrics') {
      response.writeHead(404).end();
      return;
    }
    try {
      const body = await metrics.registry.metrics();
      response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(body);
    } catch {
      response.writeHead(500).end('metrics unavailable\n');
    }
  });
  await new Promise<void>((resolve) => server.listen(port, host, resolve));
  return server;
};
