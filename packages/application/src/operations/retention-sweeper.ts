/**
 * Deletes what is past its retention, for servers without TTL indexes (mongo-java-server ignores
 * them; on MongoDB the TTL indexes do the same work and this finds little). Each store deletes by
 * a range on an indexed date, in bounded batches, and never what still has to be done or
 * published: a pending job, an unpublished dead letter or parked record.
 */
import { PollLoop } from '../poll-loop.ts';
import type { Clock } from '../ports/clock.ts';

export interface Sweepable {
  /** Deletes at most `limit` entries that ended before `before`; resolves to how many. */
  sweep(before: Date, limit: number): Promise<number>;
}

export interface SweepTarget {
  readonly name: string;
  readonly store: Sweepable;
  readonly retentionMs: number;
}

export type SweepEvent =
  | { readonly type: 'swept'; readonly name: string; readonly deleted: number }
  | { readonly type: 'error'; readonly error: unknown };

export class RetentionSweeper {
  readonly #targets: readonly SweepTarget[];
  readonly #clock: Clock;
  readonly #batchSize: number;
  readonly #observe: (event: SweepEvent) => void;
  readonly #loop: PollLoop;

  constructor(options: {
    readonly targets: readonly SweepTarget[];
    readonly clock: Clock;
    readonly batchSize: number;
    readonly intervalMs: number;
    readonly observe: (event: SweepEvent) => void;
  }) {
    this.#targets = options.targets;
    this.#clock = options.clock;
    this.#batchSize = options.batchSize;
    this.#observe = options.observe;
    this.#loop = new PollLoop({
      step: () => this.sweepOnce(),
      intervalMs: options.intervalMs,
      onError: (error) => options.observe({ type: 'error', error }),
    });
  }

  start(): void {
    this.#loop.start();
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }

  /** One batch per target; `'more'` when a batch was full (there may be more to delete now). */
  async sweepOnce(): Promise<'more' | 'idle'> {
    let full = false;
    for (const { name, store, retentionMs } of this.#targets) {
      const before = new Date(this.#clock.now().getTime() - retentionMs);
      const deleted = await store.sweep(before, this.#batchSize);
      if (deleted > 0) this.#observe({ type: 'swept', name, deleted });
      if (deleted >= this.#batchSize) full = true;
    }
    return full ? 'more' : 'idle';
  }
}
