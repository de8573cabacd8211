/** Partial-success aggregation, shaped as Uniware's `POST /orders/cancel` answer expects. */
import type { LineOutcome } from './cancel-order.ts';
import type { RefusalCode } from './refusal.ts';

export type CancellationStatus = 'SUCCESS' | 'PARTIAL_SUCCESS' | 'FAILED';

export interface FailedItem {
  readonly orderItemId: string;
  readonly code: RefusalCode;
  readonly errorMessage: string;
}

export interface CancellationResult {
  readonly status: CancellationStatus;
  /** Only the lines that were refused, in request order. */
  readonly failedItems: readonly FailedItem[];
}

/** SUCCESS: every line applied. FAILED: none applied (also for no lines at all). PARTIAL_SUCCESS: some. */
export const summarize = (outcomes: readonly LineOutcome[]): CancellationResult => {
  const failedItems = outcomes.flatMap((outcome): FailedItem[] =>
    outcome.applied
      ? []
      : [
          {
            orderItemId: outcome.line.orderItemId ?? `${outcome.line.productId}/${outcome.line.variantId}`,
            code: outcome.refusal.code,
            errorMessage: outcome.refusal.message,
          },
        ],
  );
  const applied = outcomes.length - failedItems.length;
  const status: CancellationStatus =
    applied === 0 ? 'FAILED' : failedItems.length === 0 ? 'SUCCESS' : 'PARTIAL_SUCCESS';
  return { status, failedItems };
};
