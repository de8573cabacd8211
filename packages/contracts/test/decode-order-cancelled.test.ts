import { describe, expect, it } from 'vitest';
import { decodeOrderCancelled, MAX_VALUE_BYTES } from '../src/index.ts';
import { decodedValue, failureOf } from './expectations.ts';
import { anOrderCancelled, jsonWith } from './mothers.ts';

const event = anOrderCancelled();
const decodeWith = (path: readonly (string | number)[], value: unknown) =>
  decodeOrderCancelled(jsonWith(event, path, value));

describe('decodeOrderCancelled', () => {
  it('decodes a valid event from a Buffer and from a string', () => {
    expect(decodedValue(decodeOrderCancelled(Buffer.from(JSON.stringify(event))))).toEqual(event);
    expect(decodedValue(decodeOrderCancelled(JSON.stringify(event)))).toEqual(event);
  });

  it('accepts lines without orderItemId, every source, +00:00 and the limits of each field', () => {
    for (const source of ['customer', 'marketplace', 'unicommerce'] as const) {
      const edge = anOrderCancelled({
        source,
        occurredAt: '2024-02-29T23:59:59.123456+00:00',
        orderId: 'o'.repeat(128),
        reason: 'r'.repeat(1000),
        items: Array.from({ length: 500 }, (_, i) => ({
          productId: `P-${i}`,
          variantId: 'V',
          quantity: i === 0 ? 1_000_000 : 1,
        })),
      });
      expect(decodedValue(decodeOrderCancelled(JSON.stringify(edge)))).toEqual(edge);
    }
  });

  it.each([
    ['a wrong type', ['orderId'], 42, '/orderId: Expected string'],
    ['a missing field', ['reason'], undefined, '/reason: Expected required property'],
    ['a missing item field', ['items', 0, 'productId'], undefined, '/items/0/productId: Expected required'],
    ['another schemaVersion', ['schemaVersion'], 2, '/schemaVersion: Expected 1'],
    ['a bad uuid', ['eventId'], 'not-a-uuid', "/eventId: Expected string to match 'uuid' format"],
    ['a uuid with a non-hex digit', ['eventId'], '3f0b6a8e-2c4d-4e1f-9a7b-5c6d7e8f9a0g', '/eventId:'],
    [
      'a bad date',
      ['occurredAt'],
      '2025-06-01T25:00:00Z',
      "/occurredAt: Expected string to match 'date-time' format",
    ],
    [
      'an impossible date',
      ['occurredAt'],
      '2025-02-29T10:00:00Z',
      "/occurredAt: Expected string to match 'date",
    ],
    [
      'a date not in UTC',
      ['occurredAt'],
      '2025-06-01T14:00:00+02:00',
      '/occurredAt: Expected a UTC offset ("Z" or "+00:00")',
    ],
    [
      'a date without time',
      ['occurredAt'],
      '2025-06-01',
      '/occurredAt: Expected a UTC offset ("Z" or "+00:00"), Expected string to match \'date-time\' format',
    ],
    ['a zero quantity', ['items', 0, 'quantity'], 0, '/items/0/quantity: Expected integer to be greater or'],
    [
      'a negative quantity',
      ['items', 0, 'quantity'],
      -1,
      '/items/0/quantity: Expected integer to be greater',
    ],
    ['a fractional quantity', ['items', 0, 'quantity'], 1.5, '/items/0/quantity: Expected integer'],
    ['a quantity as a string', ['items', 0, 'quantity'], '1', '/items/0/quantity: Expected integer'],
    [
      'a huge quantity',
      ['items', 0, 'quantity'],
      1_000_001,
      '/items/0/quantity: Expected integer to be less',
    ],
    ['an unknown source', ['source'], 'warehouse', "/source: Expected one of 'customer' | 'marketplace'"],
    ['no items', ['items'], [], '/items: Expected array length to be greater or equal to 1'],
    ['items that are not an array', ['items'], {}, '/items: Expected array'],
    ['an item that is not an object', ['items', 0], 'P-1', '/items/0: Expected object'],
    ['an empty orderId', ['orderId'], '', '/orderId: Expected string length greater or equal to 1'],
    ['a too long sellerId', ['sellerId'], 's'.repeat(129), '/sellerId: Expected string length less or equal'],
    ['an empty orderItemId', ['items', 0, 'orderItemId'], '', '/items/0/orderItemId: Expected string length'],
    ['an empty reason', ['reason'], '', '/reason: Expected string length greater or equal to 1'],
    ['a too long reason', ['reason'], 'r'.repeat(1001), '/reason: Expected string length less or equal'],
  ])('refuses %s as SCHEMA_VIOLATION naming the path', (_, path, value, expected) => {
    expect(failureOf(decodeWith(path, value), 'SCHEMA_VIOLATION')).toContain(expected);
  });

  it('refuses too many items', () => {
    const items = Array.from({ length: 501 }, () => ({ productId: 'P', variantId: 'V', quantity: 1 }));
    const message = failureOf(decodeWith(['items'], items), 'SCHEMA_VIOLATION');
    expect(message).toContain('/items: Expected array length to be less or equal to 500');
  });

  it('names every offending path, once each', () => {
    const message = failureOf(
      decodeOrderCancelled(JSON.stringify({ ...event, eventId: 'x', items: [{ quantity: 0 }] })),
      'SCHEMA_VIOLATION',
    );
    expect(message).toBe(
      "/eventId: Expected string to match 'uuid' format; " +
        '/items/0/productId: Expected required property; ' +
        '/items/0/variantId: Expected required property; ' +
        '/items/0/quantity: Expected integer to be greater or equal to 1',
    );
  });

  it('caps the message when everything is wrong', () => {
    const items = Array.from({ length: 200 }, () => ({ quantity: -1 }));
    const message = failureOf(decodeOrderCancelled(JSON.stringify({ items })), 'SCHEMA_VIOLATION');
    expect(message.length).toBeLessThanOrEqual(600);
    expect(message).toMatch(/; …$/);
  });

  it.each([
    ['null (a tombstone)', null],
    ['an empty Buffer', Buffer.alloc(0)],
    ['an empty string', ''],
    ['blanks', '  \n'],
    ['text', 'order SO-1 cancelled'],
    ['truncated JSON', JSON.stringify(event).slice(0, 40)],
    ['bytes that are not UTF-8', Buffer.from([0x7b, 0xff, 0xfe, 0x7d])],
  ])('refuses %s as INVALID_JSON', (_, value) => {
    expect(failureOf(decodeOrderCancelled(value), 'INVALID_JSON')).not.toBe('');
  });

  it.each([
    ['the JSON null', 'null'],
    ['an array', JSON.stringify([event])],
    ['a string', JSON.stringify(JSON.stringify(event))],
    ['a number', '42'],
  ])('refuses %s as SCHEMA_VIOLATION at the root', (_, value) => {
    expect(failureOf(decodeOrderCancelled(value), 'SCHEMA_VIOLATION')).toBe('(root): Expected object');
  });

  it('refuses a value above 1 MiB before parsing it', () => {
    const padded = JSON.stringify({ ...event, padding: 'x'.repeat(MAX_VALUE_BYTES) });
    const message = failureOf(decodeOrderCancelled(Buffer.from(padded)), 'SCHEMA_VIOLATION');
    expect(message).toMatch(/^value is \d+ bytes; the limit is 1048576/);
    expect(failureOf(decodeOrderCancelled(padded), 'SCHEMA_VIOLATION')).toBe(message);
  });

  it('tolerates unknown properties and leaves them out of the decoded event', () => {
    const newer = {
      ...event,
      channel: 'app',
      items: [{ ...event.items[0], giftWrapped: true }],
      schemaExtensions: { nested: [1, 2] },
    };
    expect(decodedValue(decodeOrderCancelled(JSON.stringify(newer)))).toEqual(event);
  });
});
