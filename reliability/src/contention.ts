/**
 * Contention: many inbound cancellations at once on a few hot orders, through two instances (so
 * that one process's per-order queue and the other's revision check both have work), while
 * marketplace `order.cancelled` events and `order.lifecycle` snapshots for the same orders arrive on
 * Kafka. Demand is about twice the units there are. Afterwards, for every item: the ledger never
 * cancels more than was ordered, its count is the sum of the applied lines of the cancellation
 * records, the inbound records are what the answers said, and the marketplace records are what
 * reached the sandbox.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSandbox } from '@cancel-sync/uc-sandbox';
import { aCancelledEvent } from '../../apps/service/test/support/mothers.ts';
import { serviceEnvironment } from '../../apps/service/test/support/service-environment.ts';
import { openWorld } from '../../apps/service/test/support/world.ts';
import { cancelInbound, type InboundOutcome, login } from './inbound-client.ts';
import { OPS_TOKEN, orderStory, type Story } from './ops-story.ts';
import { mustEqual, reported, type Scenario, type ScenarioContext, type ScenarioReport } from './scenario.ts';
import { type Instance, startInstance } from './service-processes.ts';

const SIZES = {
  quick: { orders: 2, items: 3, quantity: 30, inbound: 200, events: 40, snapshots: 10, settleMs: 90_000 },
  long: { orders: 4, items: 3, quantity: 80, inbound: 1_000, events: 200, snapshots: 50, settleMs: 300_000 },
} as const;
const SELLER = 'seller-1';
/** How many times a request answered 503 is sent again. */
const RETRY_ROUNDS = 8;

const snapshot = (orderId: string, revision: number, items: number, quantity: number, named: boolean) => ({
  schemaVersion: 1,
  eventId: randomUUID(),
  type: revision === 1 ? 'order.created' : 'order.updated',
  occurredAt: new Date().toISOString(),
  order: {
    orderId,
    sellerId: SELLER,
    status: 'CREATED',
    revision,
    items: Array.from({ length: items }, (_, item) => ({
      orderItemId: `item-${item}`,
      productId: `prod-${item}`,
      variantId: 'var-1',
      quantity,
      cancelledQuantity: 0,
      status: 'CREATED',
    })),
    // Half the snapshots name the cancellations they count (none), half say nothing.
    ...(named ? { cancellationIds: [] } : {}),
  },
});

const random = (below: number) => Math.floor(Math.random() * below);

const run = async (context: ScenarioContext): Promise<ScenarioReport> => {
  const size = SIZES[context.size];
  const stack = await context.sharedStack();
  const sandbox = await startSandbox({ maxRecordedCalls: 100_000 });
  const env = serviceEnvironment(stack, sandbox.url, {
    OPS_TOKEN,
    UC_RESPONSE_TIMEOUT_MS: '5000',
    DELIVERY_LEASE_MS: '10000',
    // The marketplace events wait for the order feed instead of being pushed as asked.
    DELIVERY_AWAIT_LEDGER_SECONDS: '120',
  });
  const world = await openWorld(env);
  const running: Instance[] = [];
  try {
    const { username, password } = await world.registerSeller(SELLER);
    const orderIds = Array.from({ length: size.orders }, (_, order) => `SO-HOT-${order}`);
    running.push(...(await Promise.all([startInstance(env, 'c-1'), startInstance(env, 'c-2')])));
    const [first, second] = running as [Instance, Instance];
    await world.publish(
      env.TOPIC_ORDER_LIFECYCLE ?? '',
      orderIds.map((orderId) => ({
        key: orderId,
        value: JSON.stringify(snapshot(orderId, 1, size.items, size.quantity, true)),
      })),
    );
    for (const orderId of orderIds) {
      while ((await world.storedOrder(orderId)) === undefined) await sleep(100);
    }
    const token = await login(first.httpUrl, username, password);

    // Everything at once: the inbound burst, the events and the snapshots.
    const requests = Array.from({ length: size.inbound }, (_, index) => ({
      orderId: orderIds[index % orderIds.length] ?? '',
      orderItems: Array.from({ length: 1 + random(2) }, (_, line) => {
        const item = (random(size.items) + line) % size.items;
        return {
          orderItemId: `item-${item}`,
          productId: `prod-${item}`,
          variantId: 'var-1',
          quantity: 1 + random(3),
        };
      }).filter(
        (line, at, lines) => lines.findIndex((other) => other.orderItemId === line.orderItemId) === at,
      ),
    }));
    const events = Array.from({ length: size.events }, (_, index) => {
      const item = random(size.items);
      return aCancelledEvent({
        orderId: orderIds[index % orderIds.length],
        sellerId: SELLER,
        items: [{ orderItemId: `item-${item}`, productId: `prod-${item}`, variantId: 'var-1', quantity: 1 }],
      });
    });
    const burstStartedAt = Date.now();
    // Each request is a genuine one, never taken for a retry of an alike body.
    const keys = requests.map(() => randomUUID());
    const send = (index: number) =>
      cancelInbound(
        (index % 2 === 0 ? first : second).httpUrl,
        token,
        requests[index] as (typeof requests)[number],
        {
          headers: { 'idempotency-key': keys[index] ?? '' },
          timeoutMs: size.settleMs,
        },
      );
    const busy = (outcome: InboundOutcome | undefined) =>
      outcome?.kind === 'answered' && outcome.httpStatus === 503;
    const answers = (async () => {
      const outcomes = await Promise.all(requests.map((_, index) => send(index)));
      const firstBusy = outcomes.filter(busy).length;
      // As Uniware would: a 503 is sent again (same key, same body) after its Retry-After.
      for (let round = 0; round < RETRY_ROUNDS && outcomes.some(busy); round += 1) {
        await sleep(1000);
        await Promise.all(
          outcomes.map(async (outcome, index) => {
            if (busy(outcome)) outcomes[index] = await send(index);
          }),
        );
      }
      return { outcomes, firstBusy };
    })();
    const feeds = (async () => {
      for (let from = 0; from < Math.max(events.length, size.snapshots); from += 10) {
        await world.publish(
          env.TOPIC_ORDER_CANCELLED ?? '',
          events
            .slice(from, from + 10)
            .map((event) => ({ key: String(event.orderId), value: JSON.stringify(event) })),
        );
        const revision = 2 + from / 10;
        if (revision <= size.snapshots + 1) {
          await world.publish(
            env.TOPIC_ORDER_LIFECYCLE ?? '',
            orderIds.map((orderId) => ({
              key: orderId,
              value: JSON.stringify(
                snapshot(orderId, revision, size.items, size.quantity, revision % 2 === 0),
              ),
            })),
          );
        }
        await sleep(50);
      }
    })();
    const { outcomes, firstBusy } = await answers;
    const burstMs = Date.now() - burstStartedAt;
    await feeds;

    // Settled: every event's job final, nothing left to announce.
    const deadline = Date.now() + size.settleMs;
    let stories: Story[] = [];
    for (;;) {
      stories = await Promise.all(orderIds.map((orderId) => orderStory(first.opsUrl, orderId)));
      const jobs = stories.flatMap((story) => story.deliveryJobs);
      const settled =
        jobs.length === events.length &&
        jobs.every((job) => job.state !== 'pending') &&
        stories.every((story) => story.pendingAnnouncements.length === 0);
      if (settled || Date.now() > deadline) break;
      await sleep(250);
    }
    const jobs = stories.flatMap((story) => story.deliveryJobs);

    let overCancelled = 0;
    let ledgerVsRecords = 0;
    let recordsVsAnswers = 0;
    let recordsVsSandbox = 0;
    let unitsCancelled = 0;
    const notes: string[] = [];
    const disagree = (what: string) => {
      if (notes.length < 10) notes.push(what);
    };
    stories.forEach((story, at) => {
      const orderId = orderIds[at] ?? '';
      const applied = (source: 'inbound' | 'marketplace', itemId: string) =>
        story.cancellationRecords
          .filter(
            (record) =>
              (record.source === 'unicommerce') === (source === 'inbound') && record.replayOf === undefined,
          )
          .flatMap((record) => record.lines)
          .filter((line) => line.outcome === 'APPLIED' && line.line.orderItemId === itemId)
          .reduce((sum, line) => sum + line.line.quantity, 0);
      const sandboxOrder = sandbox.state.orders.view(orderId);
      for (const item of story.order?.items ?? []) {
        unitsCancelled += item.cancelledQuantity;
        if (item.cancelledQuantity > item.quantity) {
          overCancelled += 1;
          disagree(`${orderId}/${item.orderItemId}: ${item.cancelledQuantity} of ${item.quantity} cancelled`);
        }
        const inbound = applied('inbound', item.orderItemId);
        const marketplace = applied('marketplace', item.orderItemId);
        if (inbound + marketplace !== item.cancelledQuantity) {
          ledgerVsRecords += 1;
          disagree(
            `${orderId}/${item.orderItemId}: ledger ${item.cancelledQuantity}, records ${inbound} + ${marketplace}`,
          );
        }
        const answered = requests.reduce((sum, request, index) => {
          const outcome = outcomes[index];
          if (request.orderId !== orderId || outcome?.kind !== 'answered' || outcome.httpStatus !== 200)
            return sum;
          if (outcome.status === 'FAILED' || outcome.refused.includes(item.orderItemId)) return sum;
          return (
            sum + (request.orderItems.find((line) => line.orderItemId === item.orderItemId)?.quantity ?? 0)
          );
        }, 0);
        if (answered !== inbound) {
          recordsVsAnswers += 1;
          disagree(
            `${orderId}/${item.orderItemId}: answers accepted ${answered}, inbound records ${inbound}`,
          );
        }
        const reached = sandboxOrder?.skus.find((sku) => sku.productId === item.productId)?.cancelled ?? 0;
        if (reached !== marketplace) {
          recordsVsSandbox += 1;
          disagree(`${orderId}/${item.orderItemId}: marketplace records ${marketplace}, sandbox ${reached}`);
        }
      }
    });
    const count = (test: (outcome: InboundOutcome) => boolean) => outcomes.filter(test).length;
    const status = (name: string) => (outcome: InboundOutcome) =>
      outcome.kind === 'answered' && outcome.status === name;
    return {
      scenario: contention.title,
      figures: [
        reported('inbound cancellations sent at once', requests.length),
        reported('hot orders × items', `${size.orders} × ${size.items}`),
        reported('units ordered', size.orders * size.items * size.quantity),
        reported(
          'units asked for (inbound)',
          requests.flatMap((r) => r.orderItems).reduce((s, l) => s + l.quantity, 0),
        ),
        reported('marketplace events / snapshots', `${events.length} / ${size.snapshots * size.orders}`),
        reported('answered SUCCESS', count(status('SUCCESS'))),
        reported('answered PARTIAL_SUCCESS', count(status('PARTIAL_SUCCESS'))),
        reported(
          'answered FAILED (nothing left to cancel)',
          count((o) => o.kind === 'answered' && o.httpStatus === 200 && o.status === 'FAILED'),
        ),
        reported('answered 503 at first (order too busy)', firstBusy),
        reported(`still 503 after ${RETRY_ROUNDS} retries`, count(busy)),
        mustEqual(
          'no answer',
          count((o) => o.kind === 'lost'),
          0,
        ),
        reported('every request answered (with retries) within', Math.round(burstMs / 100) / 10, 's'),
        reported('units cancelled in the ledger', unitsCancelled),
        mustEqual('over-cancelled items', overCancelled, 0),
        mustEqual('items where the ledger ≠ the cancellation records', ledgerVsRecords, 0),
        mustEqual('items where the inbound records ≠ the answers', recordsVsAnswers, 0),
        mustEqual('items where the marketplace records ≠ what reached the sandbox', recordsVsSandbox, 0),
        mustEqual(
          'delivery jobs not settled',
          jobs.filter((job) => job.state === 'pending').length + (events.length - jobs.length),
          0,
        ),
      ],
      notes: [
        `${requests.length} inbound requests (1–2 lines of 1–3 units, each with its own Idempotency-Key) sent at once to two instances, those answered 503 sent again after 1 s (same key) up to ${RETRY_ROUNDS} times; alongside ${events.length} marketplace events and ${size.snapshots} snapshots a hot order (half naming their cancellations).`,
        ...notes,
      ],
    };
  } finally {
    await Promise.allSettled(running.map((instance) => instance.kill()));
    await world.close().catch(() => undefined);
    await sandbox.close();
  }
};

export const contention: Scenario = {
  name: 'contention',
  title: 'Contention: concurrent cancellations of a few hot orders',
  run,
};
