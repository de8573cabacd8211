import { describe, expect, it } from 'vitest';
import { uniqueName } from '../src/index.ts';

describe('uniqueName', () => {
  it('is valid as a MongoDB database name and a Kafka topic name', () => {
    for (const prefix of ['orders', 'Adapter Mongo/Test.$x', '', '-'.repeat(5), 'x'.repeat(100)]) {
      const name = uniqueName(prefix);
      expect(name).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(name.length).toBeLessThanOrEqual(60);
    }
  });

  it('keeps a readable prefix', () => {
    expect(uniqueName('Order Events')).toMatch(/^order-events-/);
  });

  it('does not repeat', () => {
    const names = new Set(Array.from({ length: 1000 }, () => uniqueName('t')));
    expect(names.size).toBe(1000);
  });
});
