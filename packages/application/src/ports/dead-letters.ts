import type { DeliveryJob, StoredDeadLetter } from './delivery-jobs.ts';

/** A stored dead letter with the job it belongs to, as the dead-letter relay hands it on. */
export interface JobDeadLetter {
  readonly job: DeliveryJob;
  readonly letter: StoredDeadLetter;
}

/** Publishes stored dead letters for people and tools to act on (at least once). */
export interface DeadLetters {
  publish(letters: readonly JobDeadLetter[]): Promise<void>;
}
