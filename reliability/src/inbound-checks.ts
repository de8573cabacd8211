/**
 * Inbound cancellations while instances die: each request cancels one unit of an item of its own
 * (so no two requests are alike and none is taken for a retry of another), sent to whichever
 * instance is alive. Afterwards every request that did not get SUCCESS is sent again, and each
 * item's cancelled units in the ledger are held against the answers.
 */
import type { Order } from '@cancel-sync/domain';
import { anItem, anOrder } from '../../apps/service/test/support/mothers.ts';
import type { InboundOutcome, InboundRequest } from './inbound-client.ts';

export interface InboundPlan {
  readonly orders: readonly Order[];
  readonly requests: readonly (InboundRequest & { readonly sellerId: string })[];
}

export const inboundPlan = ({
  orders,
  itemsPerOrder,
  sellers,
  prefix,
}: {
  orders: number;
  itemsPerOrder: number;
  sellers: number;
  prefix: string;
}): InboundPlan => {
  const seeded = Array.from({ length: orders }, (_, order) =>
    anOrder({
      orderId: `${prefix}-${order}`,
      sellerId: `seller-${order % sellers}`,
      items: Array.from({ length: itemsPerOrder }, (_, item) =>
        anItem({ orderItemId: `item-${item}`, productId: `prod-${item}`, variantId: 'var-1', quantity: 1 }),
      ),
    }),
  );
  const requests = seeded.flatMap((order) =>
    order.items.map((item) => ({
      orderId: order.orderId,
      sellerId: order.sellerId,
      orderItems: [
        { orderItemId: item.orderItemId, productId: item.productId, variantId: item.variantId, quantity: 1 },
      ],
    })),
  );
  return { orders: seeded, requests };
};

export interface InboundResult {
  readonly first: InboundOutcome;
  retry?: InboundOutcome;
}

export interface InboundTally {
  readonly sent: number;
  readonly answeredSuccess: number;
  /** The connection ended without an answer (an instance killed mid-request). */
  readonly lost: number;
  /** Answered, but not SUCCESS (503 while the order was too busy, say): sent again afterwards. */
  readonly answeredOther: number;
  /** A SUCCESS answered (first or on retry) without its unit in the ledger, or a unit in the ledger twice. */
  readonly contradicted: number;
  /** Of the lost ones, those the retry found applied already (answered as a replay). */
  readonly lostButApplied: number;
  /** Requests still without SUCCESS after one retry. */
  readonly unresolved: number;
  readonly examples: readonly string[];
}

const succeeded = (outcome: InboundOutcome | undefined) =>
  outcome?.kind === 'answered' && outcome.httpStatus === 200 && outcome.status === 'SUCCESS';

/** Sends again what did not get SUCCESS, then holds the ledger against every answer. */
export const settleInbound = async (
  plan: InboundPlan,
  results: ReadonlyMap<number, InboundResult>,
  retry: (request: InboundRequest & { sellerId: string }) => Promise<InboundOutcome>,
  storedOrder: (orderId: string) => Promise<Order | undefined>,
): Promise<InboundTally> => {
  for (const [index, result] of results) {
    if (!succeeded(result.first))
      result.retry = await retry(plan.requests[index] as InboundPlan['requests'][number]);
  }
  const ledger = new Map<string, Order | undefined>();
  for (const order of plan.orders) ledger.set(order.orderId, await storedOrder(order.orderId));
  let contradicted = 0;
  let unresolved = 0;
  const examples: string[] = [];
  for (const [index, result] of results) {
    const request = plan.requests[index] as InboundPlan['requests'][number];
    const line = request.orderItems[0];
    const item = ledger.get(request.orderId)?.items.find((i) => i.orderItemId === line?.orderItemId);
    const inLedger = item?.cancelledQuantity ?? 0;
    const success = succeeded(result.first) || succeeded(result.retry);
    if (!success) unresolved += 1;
    if ((success && inLedger !== 1) || (!success && inLedger !== 0) || inLedger > 1) {
      contradicted += 1;
      if (examples.length < 10) {
        examples.push(
          `${request.orderId}/${line?.orderItemId}: ${JSON.stringify(result)}, ledger ${inLedger}`,
        );
      }
    }
  }
  const firsts = [...results.values()].map((result) => result.first);
  return {
    sent: results.size,
    answeredSuccess: firsts.filter(succeeded).length,
    lost: firsts.filter((first) => first.kind === 'lost').length,
    answeredOther: firsts.filter((first) => first.kind === 'answered' && !succeeded(first)).length,
    lostButApplied: [...results.values()].filter(
      (result) => result.first.kind === 'lost' && result.retry?.kind === 'answered' && result.retry.replayed,
    ).length,
    contradicted,
    unresolved,
    examples,
  };
};
