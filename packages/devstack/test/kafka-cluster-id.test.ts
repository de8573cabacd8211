import { describe, expect, it } from 'vitest';
import { randomClusterId } from '../src/embedded/kafka-broker.ts';

describe('randomClusterId', () => {
  it('is 22 characters of URL-safe base64 (16 bytes), never starting with "-"', () => {
    // About one random id in 64 starts with '-': 5000 draws would all but surely produce some.
    for (let i = 0; i < 5000; i += 1) {
      const id = randomClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url')).toHaveLength(16);
    }
  });
});
