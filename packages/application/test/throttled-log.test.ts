import { describe, expect, it } from 'vitest';
import { ThrottledLog } from '../src/index.ts';

describe('ThrottledLog', () => {
  it('writes the first of a kind, then at most one line per interval with the count suppressed since', () => {
    const log = new ThrottledLog(1_000);
    const lines: number[] = [];
    const write = (suppressed: number) => lines.push(suppressed);
    log.maybe('x', write, 0);
    log.maybe('x', write, 10);
    log.maybe('x', write, 999);
    log.maybe('x', write, 1_000);
    log.maybe('x', write, 5_000);
    expect(lines).toEqual([0, 2, 0]);
  });

  it('throttles each kind on its own', () => {
    const log = new ThrottledLog(1_000);
    const lines: string[] = [];
    log.maybe('a', () => lines.push('a'), 0);
    log.maybe('b', () => lines.push('b'), 1);
    log.maybe('a', () => lines.push('a'), 2);
    expect(lines).toEqual(['a', 'b']);
  });
});
