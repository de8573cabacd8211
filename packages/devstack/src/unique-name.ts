import { randomBytes } from 'node:crypto';

/**
 * A name no other test file, run or machine will pick: `prefix-<time>-<random>`, lower case, made of
 * `[a-z0-9-]` only, at most 60 characters. Valid as a MongoDB database name (at most 63 bytes, no
 * `/\\. "$`), a Kafka topic name and a consumer-group id, so each test file can own its data on a
 * shared server and never needs to clean up after others.
 */
export function uniqueName(prefix: string): string {
  const cleanPrefix =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'test';
  const time = Date.now().toString(36);
  const random = randomBytes(5).toString('hex');
  return `${cleanPrefix}-${time}-${random}`;
}
