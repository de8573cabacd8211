import { TypeCompiler } from '@sinclair/typebox/compiler';
import { describe, expect, it } from 'vitest';
import { asyncApiDocument } from '../src/asyncapi.ts';
import {
  DEAD_LETTER_HEADERS,
  DeadLetterHeadersV1,
  decodeOrderCancelled,
  decodeOrderLifecycle,
  registerFormats,
  TOPICS,
} from '../src/index.ts';

const document = JSON.parse(JSON.stringify(asyncApiDocument()));

/** Follows a local `$ref` such as `#/components/messages/DeadLetter`. */
const resolve = (ref: string): unknown =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], document);

const refsIn = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(refsIn);
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '$ref' && typeof value === 'string' ? [value] : refsIn(value),
  );
};

describe('the AsyncAPI document', () => {
  it('is an AsyncAPI 3.0 document with info, channels, operations and components', () => {
    expect(document).toMatchObject({
      asyncapi: '3.0.0',
      info: { title: expect.any(String), version: expect.any(String) },
      channels: expect.any(Object),
      operations: expect.any(Object),
      components: { schemas: expect.any(Object), messages: expect.any(Object) },
    });
  });

  it('has one channel per topic', () => {
    const addresses = Object.values(document.channels).map(
      (channel) => (channel as { address: string }).address,
    );
    expect(addresses.sort()).toEqual(Object.values(TOPICS).sort());
  });

  it('resolves every $ref inside itself', () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(resolve(ref), ref).toBeDefined();
  });

  it("lists cancel-sync's operations, each on a message of its channel", () => {
    const operations = Object.values(document.operations) as {
      action: string;
      channel: { $ref: string };
      messages: { $ref: string }[];
    }[];
    const summary = operations.map(
      (op) => `${op.action} ${(resolve(op.channel.$ref) as { address: string }).address}`,
    );
    expect(summary.sort()).toEqual([
      'receive order.cancelled',
      'receive order.lifecycle',
      'send order.cancelled',
      'send order.cancelled.dlq',
      'send order.lifecycle.dlq',
    ]);
    for (const op of operations) {
      for (const message of op.messages)
        expect(message.$ref.startsWith(`${op.channel.$ref}/messages/`)).toBe(true);
    }
  });

  it('sends order.cancelled only with source unicommerce', () => {
    const message = document.components.messages.OrderCancelledV1FromUnicommerce;
    expect(message.payload.allOf[1].properties.source).toEqual({ const: 'unicommerce' });
  });

  it('keys every message by orderId', () => {
    for (const message of Object.values(document.components.messages) as { bindings: unknown }[]) {
      expect(message.bindings).toMatchObject({ kafka: { key: expect.any(Object) } });
    }
    expect(resolve('#/components/schemas/OrderIdKey')).toMatchObject({ type: 'string' });
  });

  it('describes the dead-letter headers', () => {
    const headers = resolve(document.components.messages.DeadLetter.headers.$ref) as { properties: object };
    expect(Object.keys(headers.properties)).toEqual(Object.values(DEAD_LETTER_HEADERS));
  });

  it('shows examples that the decoders accept', () => {
    const { messages } = document.components;
    for (const decode of [decodeOrderCancelled]) {
      for (const example of [
        ...messages.OrderCancelledV1.examples,
        ...messages.OrderCancelledV1FromUnicommerce.examples,
      ]) {
        expect(decode(JSON.stringify(example.payload))).toMatchObject({ ok: true });
      }
    }
    expect(messages.OrderCancelledV1FromUnicommerce.examples[0].payload.source).toBe('unicommerce');
    expect(decodeOrderLifecycle(JSON.stringify(messages.OrderLifecycleV1.examples[0].payload))).toMatchObject(
      {
        ok: true,
      },
    );
    const deadLetter = messages.DeadLetter.examples[0];
    expect(decodeOrderCancelled(deadLetter.payload)).toEqual({
      ok: false,
      code: deadLetter.headers['dlq-code'],
      message: deadLetter.headers['dlq-reason'],
    });
    registerFormats();
    expect(TypeCompiler.Compile(DeadLetterHeadersV1).Check(messages.DeadLetter.examples[0].headers)).toBe(
      true,
    );
  });
});
