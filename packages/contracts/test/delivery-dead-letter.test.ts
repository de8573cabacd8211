import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { asyncApiDocument } from '../src/asyncapi.ts';
import {
  DEAD_LETTER_CODES,
  DELIVERY_DEAD_LETTER_CODES,
  DeliveryDeadLetterHeadersV1,
  type DeliveryDeadLetterV1,
  decodeDeliveryDeadLetter,
  deliveryDeadLetterHeaders,
  encodeDeliveryDeadLetter,
  registerFormats,
} from '../src/index.ts';
import { decodedValue, failureOf } from './expectations.ts';
import { aDeliveryDeadLetter } from './mothers.ts';

registerFormats();
const headers = TypeCompiler.Compile(DeliveryDeadLetterHeadersV1);
const fields = {
  reason: 'Uniware: item already dispatched',
  code: 'UNIWARE_REJECTED',
  sourceTopic: 'order.cancelled',
  failedAt: new Date('2025-06-01T12:00:05.000Z'),
} as const;

describe('the delivery dead letter', () => {
  it('uses only dead-letter codes, and none of the decoding ones', () => {
    for (const code of DELIVERY_DEAD_LETTER_CODES) expect(DEAD_LETTER_CODES).toContain(code);
    expect(DELIVERY_DEAD_LETTER_CODES).not.toContain('INVALID_JSON');
    expect(DELIVERY_DEAD_LETTER_CODES).not.toContain('SCHEMA_VIOLATION');
  });

  it('round-trips through its encoder and decoder, with and without the optional fields', () => {
    const full = aDeliveryDeadLetter({ lastError: 'HTTP 503', firstAttemptAt: '2025-06-01T12:00:01.000Z' });
    const minimal = aDeliveryDeadLetter({ code: 'UNKNOWN_ORDER_SELLER', attempts: 0 });
    for (const letter of [full, minimal]) {
      expect(decodedValue(decodeDeliveryDeadLetter(encodeDeliveryDeadLetter(letter)))).toEqual(letter);
    }
  });

  it('refuses a decoding code and a negative count; takes an empty request (the ledger accepted nothing)', () => {
    const letter = aDeliveryDeadLetter();
    const withCode = { ...letter, code: 'SCHEMA_VIOLATION' };
    expect(failureOf(decodeDeliveryDeadLetter(JSON.stringify(withCode)), 'SCHEMA_VIOLATION')).toContain(
      '/code',
    );
    const negative = { ...letter, attempts: -1 };
    expect(failureOf(decodeDeliveryDeadLetter(JSON.stringify(negative)), 'SCHEMA_VIOLATION')).toContain(
      '/attempts',
    );
    const empty: DeliveryDeadLetterV1 = {
      ...letter,
      code: 'LEDGER_DISAGREES',
      request: { ...letter.request, cancelledSkuCodes: [] },
    };
    expect(decodeDeliveryDeadLetter(encodeDeliveryDeadLetter(empty))).toEqual({ ok: true, value: empty });
  });

  it('has headers that match their schema, without a source partition or offset', () => {
    const built = deliveryDeadLetterHeaders(fields);
    expect(built).toEqual({
      'dlq-reason': 'Uniware: item already dispatched',
      'dlq-code': 'UNIWARE_REJECTED',
      'dlq-source-topic': 'order.cancelled',
      'dlq-failed-at': '2025-06-01T12:00:05.000Z',
      'content-type': 'application/json',
      'schema-version': '1',
    });
    expect(headers.Check(built)).toBe(true);
  });

  it('cuts a long reason in its headers to 1000 characters', () => {
    const built = deliveryDeadLetterHeaders({ ...fields, reason: 'x'.repeat(3000) });
    expect(built['dlq-reason']).toHaveLength(1000);
    expect(headers.Check(built)).toBe(true);
  });

  it('is shown in the AsyncAPI document on order.cancelled.dlq with an example that decodes', () => {
    const document = JSON.parse(JSON.stringify(asyncApiDocument()));
    expect(Object.keys(document.channels.orderCancelledDeadLetter.messages)).toContain(
      'deliveryDeadLetterV1',
    );
    const [example] = document.components.messages.DeliveryDeadLetterV1.examples;
    expect(decodeDeliveryDeadLetter(JSON.stringify(example.payload))).toMatchObject({ ok: true });
    expect(headers.Check(example.headers)).toBe(true);
    expect(example.headers['dlq-code']).toBe(example.payload.code);
  });
});
