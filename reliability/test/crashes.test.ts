import { describe, it } from 'vitest';
import { crashes } from '../src/crashes.ts';
import { runQuick } from './support/quick-run.ts';

describe('crashes (quick size)', () => {
  it(
    'loses no event and no inbound answer through three SIGKILLs; every repeat was in flight at a kill',
    {
      timeout: 300_000,
    },
    () => runQuick(crashes),
  );
});
