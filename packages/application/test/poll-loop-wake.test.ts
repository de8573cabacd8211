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
    // The first step, then one per wake-up.
    expect(at).toHaveLength(3);
    expect(at[1]).toBeGreaterThanOrEqual(35);
    expect(at[1]).toBeLessThan(110);
    expect(at[2]).toBeGreaterThanOrEqual(115);
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
