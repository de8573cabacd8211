import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import {
  DEAD_LETTER_CODE_MEANINGS,
  DEAD_LETTER_CODES,
  DEAD_LETTER_HEADERS,
  DeadLetterHeadersV1,
  deadLetterHeaders,
  registerFormats,
} from '../src/index.ts';

registerFormats();
const headers = TypeCompiler.Compile(DeadLetterHeadersV1);
const letter = {
  reason: '/items/0/quantity: Expected integer',
  code: 'SCHEMA_VIOLATION',
  sourceTopic: 'order.cancelled',
  sourcePartition: 0,
  sourceOffset: 12_345_678_901_234_567_890n,
  failedAt: new Date('2025-06-01T12:00:00.000Z'),
} as const;

describe('dead-letter headers', () => {
  it('are the six documented names', () => {
    expect(Object.values(DEAD_LETTER_HEADERS)).toEqual([
      'dlq-reason',
      'dlq-code',
      'dlq-source-topic',
      'dlq-source-partition',
      'dlq-source-offset',
      'dlq-failed-at',
    ]);
  });

  it('have a meaning for every code', () => {
    expect(Object.keys(DEAD_LETTER_CODE_MEANINGS)).toEqual([...DEAD_LETTER_CODES]);
  });

  it('are built as strings that match their schema', () => {
    const built = deadLetterHeaders(letter);
    expect(built).toEqual({
      'dlq-reason': '/items/0/quantity: Expected integer',
      'dlq-code': 'SCHEMA_VIOLATION',
      'dlq-source-topic': 'order.cancelled',
      'dlq-source-partition': '0',
      'dlq-source-offset': '12345678901234567890',
      'dlq-failed-at': '2025-06-01T12:00:00.000Z',
    });
    expect(headers.Check(built)).toBe(true);
  });

  it('cut a long reason to 1000 characters', () => {
    const built = deadLetterHeaders({ ...letter, reason: 'x'.repeat(5000) });
    expect(built['dlq-reason']).toHaveLength(1000);
    expect(built['dlq-reason'].endsWith('…')).toBe(true);
    expect(headers.Check(built)).toBe(true);
  });

  it('refuse an unknown code and a non-decimal offset', () => {
    expect(headers.Check({ ...deadLetterHeaders(letter), 'dlq-code': 'OOPS' })).toBe(false);
    expect(headers.Check({ ...deadLetterHeaders(letter), 'dlq-source-offset': '-1' })).toBe(false);
  });
});
