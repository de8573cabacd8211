import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeOrderCancelled,
  decodeOrderLifecycle,
  encodeOrderCancelled,
  encodeOrderLifecycle,
} from '../src/index.ts';
import { anyOrderCancelled, anyOrderLifecycle } from './arbitraries.ts';

describe('encode then decode', () => {
  it('gives back any valid order.cancelled event', () => {
    fc.assert(
      fc.property(anyOrderCancelled, (event) => {
        expect(decodeOrderCancelled(encodeOrderCancelled(event))).toEqual({ ok: true, value: event });
      }),
    );
  });

  it('gives back any valid order.lifecycle event', () => {
    fc.assert(
      fc.property(anyOrderLifecycle, (event) => {
        expect(decodeOrderLifecycle(encodeOrderLifecycle(event))).toEqual({ ok: true, value: event });
      }),
    );
  });
});

describe('decoding never throws', () => {
  const codes = ['INVALID_JSON', 'SCHEMA_VIOLATION'];

  it('for any bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const result = decodeOrderCancelled(Buffer.from(bytes));
        expect(result.ok ? 'ok' : result.code).toBeOneOf(codes);
      }),
    );
  });

  it('for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const decode of [decodeOrderCancelled, decodeOrderLifecycle]) {
          const result = decode(JSON.stringify(value));
          expect(result).toMatchObject({ ok: false, code: 'SCHEMA_VIOLATION' });
        }
      }),
    );
  });
});
