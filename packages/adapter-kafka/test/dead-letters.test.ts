import { decodeDeliveryDeadLetter } from '@cancel-sync/contracts';
import { describe, expect, it } from 'vitest';
import { createProducer, KafkaDeadLetters } from '../src/index.ts';
import { freshTopic, header, readRecords, testKafka } from './kafka-test-kit.ts';
import { aDeliveryJob } from './mothers.ts';

describe('KafkaDeadLetters', () => {
  it('publishes a failed delivery as DeliveryDeadLetterV1, keyed by order id, with the dlq headers', async () => {
    const kafka = testKafka('dead-letters');
    const topic = await freshTopic(kafka, 'order-cancelled-dlq');
    const producer = createProducer(kafka);
    await producer.connect();
    const failedAt = new Date('2025-06-01T13:00:00.000Z');
    const deadLetters = new KafkaDeadLetters({
      kafka,
      producer,
      topic,
      sourceTopic: 'order.cancelled.test',
      now: () => failedAt,
    });
    const rejected = aDeliveryJob({ lastError: undefined, attempts: 0, firstAttemptAt: undefined });
    const gaveUp = aDeliveryJob({ orderId: 'SO-8', lastError: 'x'.repeat(5000) });
    try {
      await deadLetters.publish(rejected, 'UNIWARE_REJECTED', 'Uniware: item SO-7-1 already dispatched');
      await deadLetters.publish(gaveUp, 'DELIVERY_GAVE_UP', 'gave up after 8 attempts; last error: HTTP 503');
    } finally {
      await producer.disconnect();
    }

    const records = await readRecords(kafka, topic, 2);
    const [first, second] = [...records].sort((a, b) => String(a.key).localeCompare(String(b.key))) as [
      (typeof records)[0],
      (typeof records)[0],
    ];

    expect(first.key?.toString()).toBe('SO-7');
    expect(decodeDeliveryDeadLetter(first.value)).toEqual({
      ok: true,
      value: {
        schemaVersion: 1,
        eventId: rejected.jobId,
        code: 'UNIWARE_REJECTED',
        reason: 'Uniware: item SO-7-1 already dispatched',
        orderId: 'SO-7',
        sellerId: 'seller-7',
        source: 'marketplace',
        request: rejected.request,
        attempts: 0,
        unknownOutcomes: 1,
        createdAt: '2025-06-01T12:00:00.000Z',
        failedAt: '2025-06-01T13:00:00.000Z',
      },
    });
    expect(
      Object.fromEntries(Object.entries(first.headers).map(([name, value]) => [name, String(value)])),
    ).toEqual({
      'dlq-code': 'UNIWARE_REJECTED',
      'dlq-reason': 'Uniware: item SO-7-1 already dispatched',
      'dlq-source-topic': 'order.cancelled.test',
      'dlq-failed-at': '2025-06-01T13:00:00.000Z',
      'content-type': 'application/json',
      'schema-version': '1',
    });

    expect(second.key?.toString()).toBe('SO-8');
    const decoded = decodeDeliveryDeadLetter(second.value);
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.value).toMatchObject({
      code: 'DELIVERY_GAVE_UP',
      attempts: 5,
      unknownOutcomes: 1,
      firstAttemptAt: '2025-06-01T12:00:01.000Z',
    });
    expect(decoded.value.lastError).toHaveLength(1000);
    expect(header(second.headers, 'dlq-code')).toBe('DELIVERY_GAVE_UP');
    expect(header(second.headers, 'dlq-source-partition')).toBeUndefined();
    expect(header(second.headers, 'dlq-source-offset')).toBeUndefined();
  });
});
