import { describe, expect, it } from 'vitest';
import { encodeOrderCancelled, encodeOrderLifecycle, type OrderCancelledV1 } from '../src/index.ts';
import { anOrderCancelled, anOrderLifecycle } from './mothers.ts';

describe('encoders', () => {
  it('write the event as UTF-8 JSON', () => {
    const event = anOrderCancelled({ reason: 'Commande annulée' });
    expect(JSON.parse(encodeOrderCancelled(event).toString('utf8'))).toEqual(event);
    expect(encodeOrderLifecycle(anOrderLifecycle()).toString('utf8')).toBe(
      JSON.stringify(anOrderLifecycle()),
    );
  });

  it('throw rather than publish an invalid event, naming the path', () => {
    const invalid = { ...anOrderCancelled(), items: [] } satisfies OrderCancelledV1;
    expect(() => encodeOrderCancelled(invalid)).toThrow(
      'refusing to encode an invalid order.cancelled v1 event: /items: Expected array length',
    );
  });
});
