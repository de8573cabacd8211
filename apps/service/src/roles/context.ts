/** What every role of the composition root is built from. */
import type { MongoStores } from '@cancel-sync/adapter-mongodb';
import type {
  AnnounceAtOnce,
  acceptCancellationEvent,
  DeadLetters,
  DeliveryJobs,
  NewDeliveryJob,
  OrderLedger,
  ThrottledLog,
} from '@cancel-sync/application';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Lifecycle } from '../lifecycle.ts';
import type { Metrics } from '../metrics.ts';

export const clock = { now: () => new Date() };

/** The stores as the use cases get them: possibly wrapped (fault injection, counting). */
export type Stores = Omit<MongoStores, 'ledger' | 'deliveryJobs'> & {
  readonly ledger: OrderLedger;
  readonly deliveryJobs: DeliveryJobs;
};

/** Whom to wake when something was stored for them, wired as the roles start. */
export interface Wake {
  dispatcher: () => void;
  relays: () => void;
  announcements: () => void;
  /** The dead-letter relay only: a job was stored with a dead letter. */
  deadLetters: () => void;
}

/** How the consumer stores a delivery job: through this process's dispatcher when it runs one. */
export interface Delivery {
  store: (job: NewDeliveryJob) => Promise<'enqueued' | 'duplicate'>;
}

export interface RoleContext {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly throttled: ThrottledLog;
  readonly lifecycle: Lifecycle;
  /** The stores the use cases get (possibly wrapped). */
  readonly stores: Stores;
  /** The adapters as built, for the reads only they offer (gauges, the order story). */
  readonly plain: MongoStores;
  readonly accept: ReturnType<typeof acceptCancellationEvent>;
  readonly wake: Wake;
  readonly delivery: Delivery;
  /** This process's publisher of its own announcements, once the relays run here. */
  readonly ownAnnouncements: { publisher: AnnounceAtOnce | undefined };
  /** How a test wraps the dead-letter publisher. */
  readonly decorateDeadLetters?: ((port: DeadLetters) => DeadLetters) | undefined;
}
