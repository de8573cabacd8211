/** The pure domain on its own: decisions per second, no I/O. */
import {
  type CancelOrder,
  decideCancellation,
  type Order,
  summarize,
  toUniwareCancelRequest,
} from '@cancel-sync/domain';
import { round } from './stats.ts';

const order: Order = {
  orderId: 'SO-1',
  sellerId: 'seller-1',
  status: 'CREATED',
  revision: 1,
  sourceRevision: 1,
  items: Array.from({ length: 10 }, (_, index) => ({
    orderItemId: `item-${index}`,
    productId: `prod-${index % 3}`,
    variantId: 'v',
    quantity: 5,
    cancelledQuantity: 0,
    status: 'CREATED' as const,
  })),
};
const command: CancelOrder = {
  sellerId: 'seller-1',
  orderId: 'SO-1',
  lines: order.items.slice(0, 5).map((item) => ({ ...item, quantity: 2 })),
  source: 'unicommerce',
  reason: 'bench',
  eventId: 'e',
  at: new Date(),
};

const opsPerSecond = (run: () => unknown, iterations: number): number => {
  for (let i = 0; i < 1000; i += 1) run();
  const started = performance.now();
  for (let i = 0; i < iterations; i += 1) run();
  return round(iterations / ((performance.now() - started) / 1000), 0);
};

export const benchDomain = () => {
  const decide = opsPerSecond(() => summarize(decideCancellation(order, command).outcomes), 200_000);
  const decision = decideCancellation(order, command);
  const event = decision.event;
  const map = event === undefined ? 0 : opsPerSecond(() => toUniwareCancelRequest(event), 500_000);
  return { decideAndSummarize5Of10LinesPerSecond: decide, mapEventToUniwareRequestPerSecond: map };
};
