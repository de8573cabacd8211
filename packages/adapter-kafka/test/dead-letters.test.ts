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
    });
    const rejected = aDeliveryJob({ lastError: undefined, attempts: 0, attemptLog: [] });
    const gaveUp = aDeliveryJob({ orderId: 'SO-8', lastError: 'x'.repeat(5000) });
    try {
      await deadLetters.publish([
        {
          job: rejected,
          letter: {
            code: 'UNIWARE_REJECTED',
            reason: 'Uniware: item SO-7-1 already dispatched',
            at: failedAt,
          },
        },
        {
          job: gaveUp,
          letter: {
            code: 'DELIVERY_GAVE_UP',
            reason: 'gave up after 8 attempts; last error: HTTP 503',
            at: failedAt,
          },
        },
      ]);
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
      attemptLog: [
        {
          attempt: 1,
          startedAt: '2025-06-01T12:00:01.000Z',
          endedAt: '2025-06-01T12:00:02.000Z',
          outcome: 'retryable',
          httpStatus: 503,
          message: 'HTTP 503 from Uniware',
        },
      ],
    });
    expect(decoded.value.lastError).toHaveLength(1000);
    expect(header(second.headers, 'dlq-code')).toBe('DELIVERY_GAVE_UP');
    expect(header(second.headers, 'dlq-source-partition')).toBeUndefined();
    expect(header(second.headers, 'dlq-source-offset')).toBeUndefined();
  });

  it('publishes a ledger disagreement with the refused lines and an empty request when nothing was accepted', async () => {
    const kafka = testKafka('dead-letters');
    const topic = await freshTopic(kafka, 'order-cancelled-dlq');
    const deadLetters = new KafkaDeadLetters({ kafka, topic });
    await deadLetters.connect();
    const job = aDeliveryJob({
      attempts: 0,
      attemptLog: [],
      request: { saleOrderCode: 'SO-7', cancelledSkuCodes: [], cancellationReason: 'Out of stock' },
    });
    try {
      await deadLetters.publish([
        {
          job,
          letter: {
            code: 'LEDGER_DISAGREES',
            reason: 'the ledger refused 1 line(s)',
            at: new Date('2025-06-01T13:00:00.000Z'),
            refusedLines: [
              {
                line: { orderItemId: 'SO-7-1', productId: 'P-1', variantId: 'V-1', quantity: 3 },
                code: 'QUANTITY_EXCEEDS_CANCELLABLE',
                message: 'only 1 unit(s) can still be cancelled',
              },
            ],
          },
        },
      ]);
    } finally {
      await deadLetters.disconnect();
    }
    const [record] = await readRecords(kafka, topic, 1);
    const decoded = decodeDeliveryDeadLetter(record?.value ?? null);
    if (!decoded.ok) throw new Error(decoded.message);
    expect(decoded.value).toMatchObject({
      code: 'LEDGER_DISAGREES',
      request: { cancelledSkuCodes: [] },
      refusedLines: [{ orderItemId: 'SO-7-1', quantity: 3, code: 'QUANTITY_EXCEEDS_CANCELLABLE' }],
    });
    expect(header(record?.headers ?? {}, 'dlq-code')).toBe('LEDGER_DISAGREES');
  });
});
