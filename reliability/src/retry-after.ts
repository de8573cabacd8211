/** From the sandbox's call log: calls for the same cancellation sent sooner than a 429's Retry-After. */
import type { CallRecord } from '@cancel-sync/uc-sandbox';

/** Timers and clocks of two processes: a call up to this much early still honoured the wait. */
const TOLERANCE_MS = 100;

export const earlyAfterRetryAfter = (
  calls: readonly CallRecord[],
): { tooMany: number; early: number; examples: string[] } => {
  const last = new Map<string, CallRecord>();
  let tooMany = 0;
  let early = 0;
  const examples: string[] = [];
  for (const call of calls) {
    const reason = (call.body as { cancellationReason?: unknown } | null)?.cancellationReason;
    if (typeof reason !== 'string') continue;
    const before = last.get(reason);
    last.set(reason, call);
    if (call.answer?.httpStatus === 429) tooMany += 1;
    if (before?.answer?.httpStatus !== 429) continue;
    const waitedMs = Date.parse(call.receivedAt) - Date.parse(before.receivedAt);
    const askedMs = Number(before.answer.retryAfter ?? 0) * 1000;
    if (waitedMs + TOLERANCE_MS < askedMs) {
      early += 1;
      if (examples.length < 5)
        examples.push(`${reason}: called again ${waitedMs} ms after a 429 asking ${askedMs} ms`);
    }
  }
  return { tooMany, early, examples };
};
