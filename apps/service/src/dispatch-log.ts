/** Turns what the dispatcher reports into log lines and metrics, loud once, quiet on repeats. */
import { type DispatchEvent, ThrottledLog } from '@cancel-sync/application';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.ts';
import { annotate } from './tracing.ts';

const job = (event: {
  readonly job: { jobId: string; orderId: string; sellerId: string; attempts: number };
}) => ({
  jobId: event.job.jobId,
  orderId: event.job.orderId,
  sellerId: event.job.sellerId,
});

/** What an attempt ended with, on its span (the attempt's span is the active one when this is told). */
const annotateOutcome = (event: DispatchEvent): void => {
  switch (event.type) {
    case 'delivered':
    case 'rejected':
    case 'probably-applied':
    case 'disagreed':
    case 'gave-up':
    case 'waiting':
    case 'lease-lost':
      annotate({ 'cancel_sync.outcome': event.type });
      return;
    case 'retry-scheduled':
      annotate({
        'cancel_sync.outcome': event.type,
        'cancel_sync.retry_delay_ms': event.delayMs,
        'cancel_sync.outcome_unknown': event.outcomeUnknown,
      });
      return;
    case 'taken-over':
      annotate({ 'cancel_sync.taken_over': true, 'cancel_sync.maybe_sent': event.maybeSent });
      return;
    default:
  }
};

export const dispatchLog = (logger: Logger, metrics: Metrics) => {
  const throttled = new ThrottledLog(30_000);
  const openCircuits = new Set<string>();
  return (event: DispatchEvent): void => {
    annotateOutcome(event);
    switch (event.type) {
      case 'delivered':
        metrics.deliveries.inc({ outcome: 'delivered' });
        logger.debug({ ...job(event), attempts: event.attempts }, 'cancellation delivered to Uniware');
        return;
      case 'rejected':
        metrics.deliveries.inc({ outcome: 'rejected' });
        metrics.deadLetters.inc({ code: 'UNIWARE_REJECTED' });
        logger.warn(
          { ...job(event), uniwareMessage: event.message },
          'Uniware rejected the cancellation; dead-lettered',
        );
        return;
      case 'probably-applied':
        metrics.deliveries.inc({ outcome: 'probably-applied' });
        logger.warn(
          { ...job(event), uniwareMessage: event.message },
          'a repeat after an unknown outcome was refused as cancelled already: the first call most likely went through',
        );
        return;
      case 'disagreed':
        metrics.deliveries.inc({ outcome: 'disagreed' });
        metrics.deadLetters.inc({ code: 'LEDGER_DISAGREES' });
        logger.warn(job(event), 'the ledger refused every line of the event: nothing pushed; dead-lettered');
        return;
      case 'waiting':
        throttled.maybe(`waiting:${event.waitingFor}`, (suppressed) =>
          logger.info(
            {
              ...job(event),
              waitingFor: event.waitingFor,
              until: new Date(event.untilMs),
              similarSuppressed: suppressed,
            },
            event.waitingFor === 'order'
              ? 'delivery waits for the order feed to bring the order'
              : 'delivery waits for the seller to be registered',
          ),
        );
        return;
      case 'record-failed':
        throttled.maybe('record-failed', (suppressed) =>
          logger.error(
            { ...job(event), err: event.error, retryInMs: event.retryInMs, similarSuppressed: suppressed },
            "could not record a delivery's outcome; retrying while the lease is held",
          ),
        );
        return;
      case 'retry-scheduled':
        metrics.deliveryRetries.inc({ outcome_unknown: String(event.outcomeUnknown) });
        throttled.maybe(`retry:${event.reason.slice(0, 40)}`, (suppressed) =>
          logger.info(
            {
              ...job(event),
              reason: event.reason,
              delayMs: event.delayMs,
              outcomeUnknown: event.outcomeUnknown,
              similarSuppressed: suppressed,
            },
            'delivery to Uniware failed; retry scheduled',
          ),
        );
        return;
      case 'gave-up':
        metrics.deliveries.inc({ outcome: 'dead' });
        metrics.deadLetters.inc({ code: event.code });
        logger.error(
          { ...job(event), code: event.code, reason: event.reason },
          'delivery given up; dead-lettered',
        );
        return;
      case 'taken-over':
        metrics.takeovers.inc({ maybe_sent: String(event.maybeSent) });
        logger.warn(
          { ...job(event), maybeSent: event.maybeSent },
          event.maybeSent
            ? 'took over a delivery whose holder stopped mid-call: the next call may repeat it'
            : 'took over a delivery whose holder stopped before calling Uniware',
        );
        return;
      case 'circuit-opened':
        openCircuits.add(event.sellerId);
        metrics.authCircuitsOpen.set(openCircuits.size);
        logger.error(
          {
            sellerId: event.sellerId,
            httpStatus: event.httpStatus,
            uniwareMessage: event.message,
            pauseMs: event.pauseMs,
          },
          "Uniware refused our credentials for this seller: deliveries for it are paused and will be probed; check UC_CLIENT_ID, UC_SECURITY_KEY and the seller's Uniware merchant id",
        );
        return;
      case 'circuit-refused-again':
        throttled.maybe(`circuit:${event.sellerId}`, () =>
          logger.warn(
            { sellerId: event.sellerId, refusals: event.refusals, pauseMs: event.pauseMs },
            'Uniware still refuses our credentials',
          ),
        );
        return;
      case 'circuit-closed':
        openCircuits.delete(event.sellerId);
        metrics.authCircuitsOpen.set(openCircuits.size);
        logger.info(
          { sellerId: event.sellerId },
          'Uniware accepts our credentials again: deliveries resumed',
        );
        return;
      case 'lease-lost':
        logger.warn(
          job(event),
          'lost the lease of a delivery before settling it (another instance took it over)',
        );
        return;
      case 'error':
        throttled.maybe('dispatcher-error', (suppressed) =>
          logger.error(
            { err: event.error, jobId: event.job?.jobId, similarSuppressed: suppressed },
            'delivery dispatcher error',
          ),
        );
        return;
      default: {
        const exhaustive: never = event;
        logger.error({ event: exhaustive }, 'unknown dispatcher event');
      }
    }
  };
};
