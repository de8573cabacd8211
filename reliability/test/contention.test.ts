import { describe, it } from 'vitest';
import { contention } from '../src/contention.ts';
import { runQuick } from './support/quick-run.ts';

describe('contention (quick size)', () => {
  it(
    'never over-cancels a hot order; ledger, cancellation records, answers and the sandbox agree',
    {
      timeout: 240_000,
    },
    () => runQuick(contention),
  );
});
