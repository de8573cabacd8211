import type { DeadLetterCode, DeliveryJob } from '../ports/delivery-jobs.ts';

/** What the dispatcher reports; the composition root turns these into logs, metrics and spans. */
export type DispatchEvent =
  | { readonly type: 'delivered'; readonly job: DeliveryJob; readonly attempts: number }
  | { readonly type: 'rejected'; readonly job: DeliveryJob; readonly message: string }
  /** A repeat after an unknown outcome was refused because the units were cancelled already. */
  | { readonly type: 'probably-applied'; readonly job: DeliveryJob; readonly message: string }
  /** The ledger refused every line of the event: nothing is pushed. */
  | { readonly type: 'disagreed'; readonly job: DeliveryJob }
  | {
      readonly type: 'retry-scheduled';
      readonly job: DeliveryJob;
      readonly reason: string;
      readonly delayMs: number;
      readonly outcomeUnknown: boolean;
    }
  | {
      readonly type: 'gave-up';
      readonly job: DeliveryJob;
      readonly code: DeadLetterCode;
      readonly reason: string;
    }
  /** The job's previous lease ran out unsettled; `maybeSent` when its holder had started a call. */
  | { readonly type: 'taken-over'; readonly job: DeliveryJob; readonly maybeSent: boolean }
  /** Not sent yet: the order feed or the seller's registration is waited for. */
  | {
      readonly type: 'waiting';
      readonly job: DeliveryJob;
      readonly waitingFor: 'order' | 'seller';
      readonly untilMs: number;
    }
  | {
      readonly type: 'circuit-opened';
      readonly sellerId: string;
      readonly httpStatus: number;
      readonly message: string;
      readonly pauseMs: number;
    }
  | {
      readonly type: 'circuit-refused-again';
      readonly sellerId: string;
      readonly refusals: number;
      readonly pauseMs: number;
    }
  | { readonly type: 'circuit-closed'; readonly sellerId: string }
  | { readonly type: 'lease-lost'; readonly job: DeliveryJob }
  /** Recording what happened failed; it is retried while the lease is held. */
  | {
      readonly type: 'record-failed';
      readonly job: DeliveryJob;
      readonly error: unknown;
      readonly retryInMs: number;
    }
  | { readonly type: 'error'; readonly error: unknown; readonly job?: DeliveryJob | undefined };
