/**
 * Records no producer should ever write, for both topics: random bytes, text that is not UTF-8,
 * JSON of the wrong shape, deeply nested JSON, and values beyond the limits (the consumer's 1 MiB
 * and the broker's message.max.bytes). Each says what it is, for the figures and a failure message.
 */
import { randomBytes } from 'node:crypto';

export interface PoisonRecord {
  readonly kind: 'random bytes' | 'not UTF-8' | 'empty' | 'wrong schema' | 'deeply nested' | 'oversized';
  readonly label: string;
  readonly value: Buffer | null;
}

/** Seeded, so a failure can be run again with the same records. */
const seeded = (seed: number) => {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
};

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');

/** `depth` arrays inside one another, around a value the topic's schema would accept. */
const nested = (depth: number, inner: string) => `${'['.repeat(depth)}${inner}${']'.repeat(depth)}`;

export const poisonRecords = (
  topic: 'order.cancelled' | 'order.lifecycle',
  {
    randomCount,
    seed,
    validExample,
  }: { randomCount: number; seed: number; validExample: Record<string, unknown> },
): PoisonRecord[] => {
  const random = seeded(seed);
  const records: PoisonRecord[] = [];
  for (let i = 0; i < randomCount; i += 1) {
    const size = 1 + Math.floor(random() * 4096);
    records.push({ kind: 'random bytes', label: `${size} random bytes`, value: randomBytes(size) });
  }
  const valid = JSON.stringify(validExample);
  // The order id and a free-text field the schema knows, wherever each topic keeps them.
  const withOrderId = (orderId: unknown) =>
    topic === 'order.cancelled'
      ? { ...validExample, orderId }
      : { ...validExample, order: { ...(validExample.order as object), orderId } };
  const textField = topic === 'order.cancelled' ? 'reason' : 'type';
  records.push(
    { kind: 'empty', label: 'null value (tombstone)', value: null },
    { kind: 'empty', label: 'empty value', value: Buffer.alloc(0) },
    {
      kind: 'not UTF-8',
      label: 'valid JSON with a lone 0xff byte',
      value: Buffer.concat([Buffer.from(valid.slice(0, -1)), Buffer.from([0xff]), Buffer.from('}')]),
    },
    { kind: 'not UTF-8', label: 'UTF-16 encoded JSON', value: Buffer.from(valid, 'utf16le') },
    { kind: 'random bytes', label: 'truncated JSON', value: Buffer.from(valid.slice(0, valid.length / 2)) },
    {
      kind: 'random bytes',
      label: 'JSON with a BOM and trailing garbage',
      value: Buffer.from(`\ufeff${valid}}}}`),
    },
  );
  const wrong: [string, unknown][] = [
    ['an empty object', {}],
    ['an array', [validExample]],
    ['a string', 'order.cancelled'],
    ['a number', 42],
    ['JSON null', null],
    ['schemaVersion 2', { ...validExample, schemaVersion: 2 }],
    ['schemaVersion as a string', { ...validExample, schemaVersion: '1' }],
    ['eventId missing', { ...validExample, eventId: undefined }],
    ['eventId an object', { ...validExample, eventId: { $gt: '' } }],
    ['orderId a Mongo operator', withOrderId({ $ne: null })],
    ['occurredAt not a date', { ...validExample, occurredAt: 'yesterday' }],
    ['a 100 kB orderId', withOrderId('x'.repeat(100_000))],
  ];
  if (topic === 'order.cancelled') {
    const line = (validExample.items as Record<string, unknown>[])[0];
    wrong.push(
      ['no items', { ...validExample, items: [] }],
      ['a negative quantity', { ...validExample, items: [{ ...line, quantity: -3 }] }],
      ['a fractional quantity', { ...validExample, items: [{ ...line, quantity: 1.5 }] }],
      ['a quantity of 1e308', { ...validExample, items: [{ ...line, quantity: 1e308 }] }],
      ['an unknown source', { ...validExample, source: 'attacker' }],
      ['10,000 lines', { ...validExample, items: Array.from({ length: 10_000 }, () => line) }],
    );
  } else {
    const order = validExample.order as Record<string, unknown>;
    const item = (order.items as Record<string, unknown>[])[0];
    wrong.push(
      ['an order without items', { ...validExample, order: { ...order, items: 'none' } }],
      ['a negative revision', { ...validExample, order: { ...order, revision: -1 } }],
      ['an unknown status', { ...validExample, order: { ...order, status: 'EXPLODED' } }],
      [
        'a quantity as a string',
        { ...validExample, order: { ...order, items: [{ ...item, quantity: '2' }] } },
      ],
    );
  }
  for (const [label, value] of wrong) records.push({ kind: 'wrong schema', label, value: json(value) });
  records.push({
    kind: 'wrong schema',
    label: 'a __proto__ key (and a schemaVersion as a string)',
    value: Buffer.from(`{"__proto__":{"polluted":true},${valid.slice(1, -1)},"schemaVersion":"1"}`),
  });
  records.push(
    { kind: 'deeply nested', label: 'arrays 100,000 deep', value: Buffer.from(nested(100_000, '1')) },
    {
      kind: 'deeply nested',
      label: 'objects 50,000 deep',
      value: Buffer.from(`${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`),
    },
    {
      kind: 'deeply nested',
      label: `a valid event whose ${textField} is arrays 100,000 deep`,
      value: Buffer.from(`${valid.slice(0, -1)},"${textField}":${nested(100_000, '"x"')}}`),
    },
    {
      kind: 'deeply nested',
      label: 'unclosed arrays 200,000 deep',
      value: Buffer.from('['.repeat(200_000)),
    },
    // Beyond the consumer's 1 MiB, within what the broker takes: impossible with the broker's
    // default (1,048,588 bytes), so this one is refused by the broker like the next.
    {
      kind: 'oversized',
      label: '1.5 MiB of JSON',
      value: json({ ...validExample, padding: 'x'.repeat(1_572_864) }),
    },
    { kind: 'oversized', label: '4 MiB of random bytes', value: randomBytes(4 * 1024 * 1024) },
    // Just under the broker's limit: it reaches the consumer, whose dead-letter copy adds headers.
    {
      kind: 'oversized',
      label: '1,048,000 bytes of JSON, schemaVersion 2 (near the broker limit)',
      value: json({ ...validExample, schemaVersion: 2, padding: 'x'.repeat(1_048_000 - valid.length - 14) }),
    },
    {
      kind: 'oversized',
      label: '1,048,000 random bytes (near the broker limit)',
      value: randomBytes(1_048_000),
    },
  );
  return records;
};
