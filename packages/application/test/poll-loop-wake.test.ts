/** `PollLoop.notifyIn`: a step runs when something falls due, however far apart the polls are. */
import { describe, expect, it } from 'vitest';
import { PollLoop } from '../src/poll-loop.ts';

const steps = () => {
  const at: number[] = [];
  const started = performance.now();
  const loop = new PollLoop({
    step: async () => {
      at.push(performance.now() - started);
      return 'idle';
    },
    intervalMs: 60_000,
    onError: () => undefined,
  });
  return { loop, at };
};

describe('waking a poll loop at a due time', () => {
  it('runs a step at each time asked, earliest first, between polls a minute apart', async () => {
    const { loop, at } = steps();
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 10));
    loop.notifyIn(120);
    loop.notifyIn(40);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await loop.stop();
    // The first step, then one per wake-up; on a busy machine a wake-up that lands while a step
    // runs adds one more step (CI once saw 4), which is harmless for a poll.
    expect(at.length).toBeGreaterThanOrEqual(3);
    expect(at.length).toBeLessThanOrEqual(4);
    // The earlier wake-up ran first, near its time, and the later one at or after its own.
    expect(at.some((ms) => ms >= 35 && ms < 110)).toBe(true);
    expect(at.some((ms) => ms >= 115)).toBe(true);
  });

  it('forgets the wake-ups asked once stopped', async () => {
    const { loop, at } = steps();
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 10));
    loop.notifyIn(30);
    await loop.stop();
    const count = at.length;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(at).toHaveLength(count);
  });
});

describe('a wake-up whose timer fires early', () => {
  it('runs a step once the time asked has come on the loop’s clock, not before and not never', async () => {
    // The loop's clock, set by hand. Node may fire a timer up to a millisecond early, and earlier
    // still when the event loop's cached time is stale: this reads like that timer.
    let clock = 0;
    const seen: number[] = [];
    const loop = new PollLoop({
      step: async () => {
        seen.push(clock);
        return 'idle';
      },
      intervalMs: 60_000,
      onError: () => undefined,
      now: () => clock,
    });
    loop.start();
    await new Promise((resolve) => setTimeout(resolve, 10));
    loop.notifyIn(20);
    clock = 19.5;
    await new Promise((resolve) => setTimeout(resolve, 60));
    clock = 25;
    await new Promise((resolve) => setTimeout(resolve, 60));
    await loop.stop();
    expect(seen.filter((at) => at > 0 && at < 20)).toEqual([]);
    expect(seen.filter((at) => at >= 20)).toEqual([25]);
  });
});
