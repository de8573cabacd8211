/**
 * The marketplace publishing `order.cancelled` at a steady rate, whatever happens: a batch that
 * cannot be sent (Kafka is down) is kept and sent again, as a publisher with an outbox would, so
 * that every event of the stream is published in the end. One event a new order.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { World } from '../../apps/service/test/support/world.ts';
import { type OutboundEvent, outboundEvents } from './outbound-events.ts';

export interface EventStream {
  /** Events the broker acknowledged, in order. */
  readonly published: OutboundEvent[];
  /** Stops making events; resolves once every event made is published. */
  stop(): Promise<void>;
}

export const streamEvents = (
  world: World,
  topic: string,
  { perSecond, sellers }: { perSecond: number; sellers: number },
): EventStream => {
  const published: OutboundEvent[] = [];
  let waiting: OutboundEvent[] = [];
  let making = true;
  let made = 0;
  const loop = (async () => {
    while (making || waiting.length > 0) {
      if (making) {
        const batch = outboundEvents(perSecond, { orders: perSecond, sellers, prefix: `SO-S${made}` });
        made += batch.length;
        waiting.push(...batch);
      }
      try {
        await world.publish(
          topic,
          waiting.map((event) => ({ key: event.orderId, value: event.value })),
        );
        published.push(...waiting);
        waiting = [];
      } catch {
        // Kept for the next round.
      }
      await sleep(1000);
    }
  })();
  return {
    published,
    stop: async () => {
      making = false;
      await loop;
    },
  };
};
