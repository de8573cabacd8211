import { describe, it } from 'vitest';
import { infrastructure } from '../src/infrastructure.ts';
import { runQuick } from './support/quick-run.ts';

describe('infrastructure (quick size)', () => {
  it(
    'says not ready while Kafka or MongoDB is away, recovers by itself after each fault and loses nothing',
    {
      timeout: 420_000,
    },
    () => runQuick(infrastructure),
  );
});
