import { describe, expect, it } from 'vitest';
import { decodeOrderLifecycle } from '../src/index.ts';
import { decodedValue, failureOf } from './expectations.ts';
import { anOrderLifecycle, jsonWith } from './mothers.ts';

const event = anOrderLifecycle();
const decodeWith = (path: readonly (string | number)[], value: unknown) =>
  decodeOrderLifecycle(jsonWith(event, path, value));

describe('decodeOrderLifecycle', () => {
  it('decodes a valid snapshot', () => {
    expect(decodedValue(decodeOrderLifecycle(Buffer.from(JSON.stringify(event))))).toEqual(event);
  });

  it('accepts an update with cancelled units and every status', () => {
    const updated = anOrderLifecycle(
      { type: 'order.updated' },
      {
        status: 'COMPLETE',
        revision: Number.MAX_SAFE_INTEGER,
        items: (
          ['CREATED', 'CANCELLED', 'DISPATCHED', 'DELIVERED', 'RETURN_REQUESTED', 'COURIER_RETURN'] as const
        ).map((status, i) => ({
          orderItemId: `L-${i}`,
          productId: 'P',
          variantId: 'V',
          quantity: 3,
          cancelledQuantity: i,
          status,
        })),
      },
    );
    expect(decodedValue(decodeOrderLifecycle(JSON.stringify(updated)))).toEqual(updated);
  });

  it.each([
    [
      'an unknown type',
      ['type'],
      'order.deleted',
      "/type: Expected one of 'order.created' | 'order.updated'",
    ],
    ['a missing order', ['order'], undefined, '/order: Expected required property'],
    [
      'an unknown order status',
      ['order', 'status'],
      'SHIPPED',
      "/order/status: Expected one of 'PENDING_VERIFICATION'",
    ],
    [
      'a revision of 0',
      ['order', 'revision'],
      0,
      '/order/revision: Expected integer to be greater or equal to 1',
    ],
    ['a fractional revision', ['order', 'revision'], 2.5, '/order/revision: Expected integer'],
    [
      'a revision beyond 2^53',
      ['order', 'revision'],
      2 ** 53,
      '/order/revision: Expected integer to be less',
    ],
    ['no items', ['order', 'items'], [], '/order/items: Expected array length to be greater or equal to 1'],
    ['a missing orderItemId', ['order', 'items', 0, 'orderItemId'], undefined, '/order/items/0/orderItemId:'],
    [
      'a zero quantity',
      ['order', 'items', 0, 'quantity'],
      0,
      '/order/items/0/quantity: Expected integer to be',
    ],
    [
      'a negative cancelledQuantity',
      ['order', 'items', 0, 'cancelledQuantity'],
      -1,
      '/order/items/0/cancelledQ',
    ],
    [
      'an unknown item status',
      ['order', 'items', 0, 'status'],
      'LOST',
      '/order/items/0/status: Expected one of',
    ],
    [
      'a bad uuid',
      ['eventId'],
      '9e8d7c6b5a4f4e3d8c2b1a0f9e8d7c6b',
      "/eventId: Expected string to match 'uuid'",
    ],
    [
      'a bad date',
      ['occurredAt'],
      '2025-13-01T00:00:00Z',
      "/occurredAt: Expected string to match 'date-time'",
    ],
  ])('refuses %s as SCHEMA_VIOLATION naming the path', (_, path, value, expected) => {
    expect(failureOf(decodeWith(path, value), 'SCHEMA_VIOLATION')).toContain(expected);
  });

  it('refuses non-JSON and a tombstone as INVALID_JSON', () => {
    failureOf(decodeOrderLifecycle('{"order":'), 'INVALID_JSON');
    failureOf(decodeOrderLifecycle(null), 'INVALID_JSON');
  });

  it('tolerates unknown properties and leaves them out of the decoded event', () => {
    const newer = { ...event, tenant: 'eu', order: { ...event.order, currency: 'EUR' } };
    expect(decodedValue(decodeOrderLifecycle(JSON.stringify(newer)))).toEqual(event);
  });
});
