import { contention } from './contention.ts';
import { crashes } from './crashes.ts';
import { hostileInput } from './hostile-input.ts';
import { infrastructure } from './infrastructure.ts';
import type { Scenario } from './scenario.ts';
import { security } from './security.ts';

/** Every scenario of the suite, in the order `pnpm reliability` runs them. */
export const scenarios: readonly Scenario[] = [crashes, infrastructure, contention, hostileInput, security];
