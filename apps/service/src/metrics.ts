/** Prometheus metrics of the service, served on their own port so the public API stays small. */
import type { OrderLedger } from '@cancel-sync/application';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export const createMetrics = () => {
  const registry = new Registry();
  /** This scrape's reads of the scraped gauges, by gauge, for `scrapeSourceUp` to report. */
  const scrapeReads = new Map<string, Promise<boolean>>();
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
    httpRequests: new Histogram({
      name: 'cancel_sync_http_request_duration_seconds',
      help: 'Answers of the HTTP API by route pattern, method and status.',
      labelNames: ['route', 'method', 'status'] as const,
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    writeConflicts: new Counter({
      name: 'cancel_sync_ledger_write_conflicts_total',
      help: 'Conditional ledger writes that found the order changed by another writer (each is retried).',
      registers,
    }),
    mongodbCommands: new Counter({
      name: 'cancel_sync_mongodb_commands_total',
      help: 'Commands sent to MongoDB, by command name (driver command monitoring): what each operation costs the database.',
      labelNames: ['command'] as const,
      registers,
    }),
    scrapeReads,
    scrapeSourceUp: new Gauge({
      name: 'cancel_sync_scrape_source_up',
      help: 'Whether a gauge read at scrape time (from MongoDB or Kafka) could be read: 1 yes, 0 no.',
      labelNames: ['source'] as const,
      registers,
      async collect() {
        // The registry starts every metric's collection in one go: let the gauges start their reads.
        await null;
        for (const [source, read] of scrapeReads) this.set({ source }, (await read) ? 1 : 0);
      },
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

/** The ledger port, counting the conditional writes that lost to another writer. */
export const countingConflicts = (ledger: OrderLedger, metrics: Metrics): OrderLedger => ({
  find: (...args) => ledger.find(...args),
  forgetRecords: (...args) => ledger.forgetRecords(...args),
  write: async (...args) => {
    const written = await ledger.write(...args);
    if (written === 'conflict') metrics.writeConflicts.inc();
    return written;
  },
});

/** How long a scrape waits for a gauge's source before it answers without it. */
const SCRAPE_READ_TIMEOUT_MS = 1_500;

const withinScrape = <T>(read: () => Promise<T>): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out')), SCRAPE_READ_TIMEOUT_MS);
    read()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });

/**
 * A gauge whose values are read when Prometheus scrapes (e.g. delivery jobs by state). When its
 * source does not answer within 1.5 s, the scrape still succeeds: the gauge is left out (NaN when it
 * has no labels) and `cancel_sync_scrape_source_up{source}` says 0.
 */
export const addScrapedGauge = (
  metrics: Metrics,
  name: string,
  help: string,
  labelNames: readonly string[],
  read: () => Promise<readonly { readonly labels: Record<string, string>; readonly value: number }[]>,
): void => {
  new Gauge({
    name,
    help,
    labelNames: [...labelNames],
    registers: [metrics.registry],
    async collect() {
      this.reset();
      const reading = withinScrape(read);
      metrics.scrapeReads.set(
        name,
        reading.then(
          () => true,
          () => false,
        ),
      );
      try {
        for (const { labels, value } of await reading) this.set(labels, value);
      } catch {
        // Left out of this scrape (a gauge without labels reads NaN, never a made-up 0);
        // cancel_sync_scrape_source_up says so.
        if (labelNames.length === 0) this.set(Number.NaN);
      }
    },
  });
};
