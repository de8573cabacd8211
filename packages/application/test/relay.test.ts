import { describe, expect, it } from 'vitest';
import {
  MAX_TRACKED_FAILURES,
  type OutboxEntry,
  Relay,
  type RelayEvent,
  type RelaySource,
} from '../src/index.ts';

import { InMemoryLedger, ManualClock, RecordingEvents } from '../src/testing/index.ts';
import { anEvent, anOrder } from './mothers.ts';

const toEvents = (batch: readonly OutboxEntry[]) => batch.map(({ event }) => event);

describe('the relay', () => {
  const setUp = () => {
    const ledger = new InMemoryLedger();
    const events = new RecordingEvents();
    const clock = new ManualClock();
    const observed: RelayEvent<unknown>[] = [];
    for (const orderId of ['SO-1', 'SO-2']) {
      ledger.entries.set(orderId, {
        order: anOrder({ orderId }),
        rememberedRequests: [],
        outbox: [
          anEvent({ orderId, eventId: `${orderId}-e1`, source: 'unicommerce' }),
          anEvent({ orderId, eventId: `${orderId}-e2`, source: 'unicommerce' }),
        ],
      });
    }
    const relay = (
      owner: string,
      publish = (batch: readonly OutboxEntry[]) => events.publish(toEvents(batch)),
    ) =>
      new Relay({
        source: ledger,
        publish,
        clock,
        random: () => 0.5,
        settings: {
          owner,
          batchSize: 10,
          pollIntervalMs: 5,
          leaseMs: 1000,
          retry: { baseDelayMs: 100, maxDelayMs: 1000 },
        },
        observe: (event) => observed.push(event),
      });
    return { ledger, events, clock, relay, observed };
  };

  it('publishes each order’s pending announcements and then marks them published', async () => {
    const { ledger, events, relay, clock } = setUp();
    expect(await relay('a').relayOnce()).toBe(2);
    expect(events.published.map((event) => event.eventId)).toEqual([
      'SO-1-e1',
      'SO-1-e2',
      'SO-2-e1',
      'SO-2-e2',
    ]);
    expect(await ledger.claim({ owner: 'x', now: clock.now(), leaseUntil: clock.now() }, 10)).toEqual([]);
    expect(await relay('a').relayOnce()).toBe(0);
  });

  it('leaves what one relay claimed to it: a second relay publishes nothing of it', async () => {
    const { ledger, events, relay, clock } = setUp();
    const releases: (() => void)[] = [];
    const slow = relay(
      'a',
      (batch) =>
        new Promise<void>((resolve) => {
          releases.push(() => void events.publish(toEvents(batch)).then(resolve));
        }),
    );
    const first = slow.relayOnce();
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await relay('b').relayOnce()).toBe(0);
    for (const release of releases) release();
    await first;
    expect(events.published).toHaveLength(4);
    expect(await ledger.claim({ owner: 'x', now: clock.now(), leaseUntil: clock.now() }, 10)).toEqual([]);
  });

  it('releases a batch that cannot be sent with a backoff, without holding up the other orders', async () => {
    const { events, relay, clock, observed } = setUp();
    const picky = relay('a', async (batch) => {
      if (batch[0]?.event.orderId === 'SO-1') throw new Error('message too large');
      await events.publish(toEvents(batch));
    });
    expect(await picky.relayOnce()).toBe(2);
    expect(events.published.map((event) => event.orderId)).toEqual(['SO-2', 'SO-2']);
    expect(observed).toContainEqual(expect.objectContaining({ type: 'publish-failed', retryInMs: 50 }));
    expect(await picky.relayOnce()).toBe(0);
    clock.advance(50);
    expect(await relay('a').relayOnce()).toBe(1);
    expect(events.published).toHaveLength(4);
  });
});

describe('the relay’s memory of failed batches', () => {
  /** Every claim hands out documents never seen before whose publication fails: another relay publishes them later. */
  const failingEverywhere = () => {
    let next = 0;
    const source: RelaySource<string> = {
      claim: async (claim, limit) =>
        Array.from({ length: limit }, () => {
          next += 1;
          return { id: `SO-${next}`, owner: claim.owner, token: `t-${next}`, entries: ['entry'] };
        }),
      published: async () => undefined,
      release: async () => undefined,
    };
    return new Relay<string>({
      source,
      publish: async () => {
        throw new Error('broker away');
      },
      clock: new ManualClock(),
      random: () => 0.5,
      settings: {
        owner: 'a',
        batchSize: 50,
        pollIntervalMs: 5,
        leaseMs: 1000,
        retry: { baseDelayMs: 100, maxDelayMs: 1000 },
      },
      observe: () => undefined,
    });
  };

  it('stays bounded when the batches that failed here are published by another relay', async () => {
    const relay = failingEverywhere();
    for (let round = 0; round < 400; round += 1) await relay.relayOnce();
    // 20,000 documents failed here once and never came back to this relay.
    expect(relay.trackedFailures).toBeLessThanOrEqual(MAX_TRACKED_FAILURES);
    expect(relay.trackedFailures).toBeGreaterThan(0);
  });
});
