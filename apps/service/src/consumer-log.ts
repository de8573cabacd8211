/** Turns what the Kafka consumers report into log lines and metrics; repeats are already rate-limited. */
import type { ConsumerObservation } from '@cancel-sync/adapter-kafka';
import type { Logger } from 'pino';
import type { Metrics } from './metrics.ts';

export const consumerLog =
  (logger: Logger, metrics: Metrics, topic: string) =>
  (observation: ConsumerObservation): void => {
    switch (observation.type) {
      case 'handled':
        metrics.eventsConsumed.inc({ topic, result: 'handled' });
        return;
      case 'dead-lettered':
        metrics.eventsConsumed.inc({ topic, result: 'dead-lettered' });
        metrics.deadLetters.inc({ code: observation.code });
        logger.warn(
          {
            ...observation.record,
            code: observation.code,
            reason: observation.reason,
            deadLetterTopic: observation.deadLetterTopic,
          },
          'poison message dead-lettered',
        );
        return;
      case 'step-failed':
        metrics.eventsConsumed.inc({ topic, result: 'failed-attempt' });
        logger.error(
          {
            ...observation.record,
            step: observation.step,
            err: observation.error,
            attempt: observation.attempt,
            failuresSinceLastReport: observation.failures,
            retryInMs: observation.retryInMs,
          },
          'handling a message failed; retrying it in place (its partition waits)',
        );
        return;
      case 'step-recovered':
        logger.info(
          { ...observation.record, step: observation.step, attempts: observation.attempts },
          'message handled after failures',
        );
        return;
      case 'group-joined':
        logger.info(
          {
            topic,
            groupId: observation.groupId,
            partitions: observation.partitions,
            durationMs: observation.durationMs,
          },
          'consumer joined its group',
        );
        return;
      case 'foreign-topics-assigned':
        logger.error(
          { topic, groupId: observation.groupId, topics: observation.topics },
          'consumer group shared with other topics: their partitions stall',
        );
        return;
      case 'crashed':
        logger.error(
          { topic, groupId: observation.groupId, err: observation.error, restarting: observation.restarting },
          'consumer crashed',
        );
        return;
      case 'recreated':
        logger.info(
          { topic, groupId: observation.groupId, attempts: observation.attempts },
          'consumer made anew after KafkaJS gave it up: consuming again',
        );
        return;
      case 'parked':
        metrics.parkedRecords.inc({ topic });
        metrics.deadLetters.inc({ code: 'HANDLER_FAILED' });
        logger.error(
          { ...observation.record, attempts: observation.attempts, reason: observation.reason },
          'message parked after its handling kept failing; its partition goes on',
        );
        return;
      case 'stopped':
        logger.info({ topic, groupId: observation.groupId }, 'consumer stopped');
        return;
      default: {
        const exhaustive: never = observation;
        logger.warn({ observation: exhaustive }, 'unknown consumer observation');
      }
    }
  };
