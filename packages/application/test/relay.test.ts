import { describe, expect, it } from 'vitest';
import { OutboxRelay } from '../src/index.ts';
import { InMemoryLedger, RecordingEvents } from '../src/testing/index.ts';
import { anEvent, anOrder } from './mothers.ts';

describe('the outbox relay', () => {
  const setUp = () => {
    const ledger = new InMemoryLedger();
    const events = new RecordingEvents();
    ledger.entries.set('SO-1', {
      order: anOrder(),
      rememberedRequests: [],
      outbox: [
        anEvent({ eventId: 'e1', source: 'unicommerce' }),
        anEvent({ eventId: 'e2', source: 'unicommerce' }),
      ],
    });
    const relay = new OutboxRelay({
      outbox: ledger,
      events,
      settings: { batchSize: 10, pollIntervalMs: 5 },
      onError: () => {},
    });
    return { ledger, events, relay };
  };

  it('publishes pending announcements and then marks them published', async () => {
    const { ledger, events, relay } = setUp();
    expect(await relay.relayOnce()).toBe(2);
    expect(events.published.map((event) => event.eventId)).toEqual(['e1', 'e2']);
    expect(await ledger.pending(10)).toEqual([]);
    expect(await relay.relayOnce()).toBe(0);
  });

  it('keeps them pending when publishing fails, and publishes them on the next round', async () => {
    const { ledger, events, relay } = setUp();
    events.failNext = true;
    await expect(relay.relayOnce()).rejects.toThrow('broker unavailable');
    expect(await ledger.pending(10)).toHaveLength(2);
    expect(await relay.relayOnce()).toBe(2);
  });
});
