/**
 * Publishes development events to the stack in `.env.stack` (or KAFKA_BROKERS):
 *   pnpm dev:events order  --order-id SO-1 --seller-id seller-1 --item item-1:prod-1:var-1:3 [--revision 1]
 *   pnpm dev:events cancel --order-id SO-1 --seller-id seller-1 --item item-1:prod-1:var-1:1 [--source customer]
 * Events are checked against the contracts before they are sent.
 */
import { randomUUID } from 'node:crypto';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { encodeOrderCancelled, encodeOrderLifecycle } from '@cancel-sync/contracts';
import { Kafka, logLevel } from 'kafkajs';
import { readEnvStack } from './env-stack.ts';

const usage = `usage:
  pnpm dev:events order  --order-id ID --seller-id S --item ITEM:PRODUCT:VARIANT:QTY [...] [--revision N]
  pnpm dev:events cancel --order-id ID --seller-id S --item ITEM:PRODUCT:VARIANT:QTY [...] [--source customer|marketplace] [--reason R]
  (--topic T overrides the topic)`;

/** `parseArgs`, with a bad option named and the usage shown, never thrown as a stack trace. */
const parseArguments = <T extends ParseArgsConfig>(config: T): ReturnType<typeof parseArgs<T>> => {
  try {
    return parseArgs(config);
  } catch (error) {
    const message = error instanceof Error ? (error.message.split('. ')[0] ?? error.message) : String(error);
    process.stderr.write(`${message.charAt(0).toLowerCase()}${message.slice(1)}\n${usage}\n`);
    return process.exit(2);
  }
};

const { positionals, values } = parseArguments({
  allowPositionals: true,
  options: {
    'order-id': { type: 'string' },
    'seller-id': { type: 'string', default: 'seller-1' },
    item: { type: 'string', multiple: true, default: [] },
    revision: { type: 'string', default: '1' },
    source: { type: 'string', default: 'customer' },
    reason: { type: 'string', default: 'cancelled by the customer' },
    topic: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help === true) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const [kind] = positionals;
const orderId = values['order-id'];
if ((kind !== 'order' && kind !== 'cancel') || orderId === undefined || values.item.length === 0) {
  process.stderr.write(`${usage}\n`);
  process.exit(2);
}
const items = values.item.map((spec) => {
  const [orderItemId = '', productId = '', variantId = '', quantity = '1'] = spec.split(':');
  return { orderItemId, productId, variantId, quantity: Number(quantity) };
});
const brokers = (process.env.KAFKA_BROKERS ?? readEnvStack().KAFKA_BROKERS ?? '').split(',').filter(Boolean);
if (brokers.length === 0) {
  process.stderr.write('no KAFKA_BROKERS and no .env.stack: run `pnpm stack up` first\n');
  process.exit(2);
}
const common = { schemaVersion: 1 as const, eventId: randomUUID(), occurredAt: new Date().toISOString() };
const [topic, value] =
  kind === 'order'
    ? [
        values.topic ?? 'order.lifecycle',
        encodeOrderLifecycle({
          ...common,
          type: Number(values.revision) > 1 ? 'order.updated' : 'order.created',
          order: {
            orderId,
            sellerId: values['seller-id'],
            status: 'CREATED',
            revision: Number(values.revision),
            items: items.map((item) => ({ ...item, status: 'CREATED' as const })),
          },
        }),
      ]
    : [
        values.topic ?? 'order.cancelled',
        encodeOrderCancelled({
          ...common,
          source: values.source as 'customer' | 'marketplace' | 'unicommerce',
          orderId,
          sellerId: values['seller-id'],
          items,
          reason: values.reason,
        }),
      ];
const producer = new Kafka({ clientId: 'dev-events', brokers, logLevel: logLevel.NOTHING }).producer();
await producer.connect();
await producer.send({ topic, messages: [{ key: orderId, value }] });
await producer.disconnect();
process.stdout.write(`published to ${topic}: ${value.toString()}\n`);
