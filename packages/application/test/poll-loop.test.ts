import { describe, expect, it } from 'vitest';
import { PollLoop } from '../src/index.ts';

const tick = (ms = 20) => new Promise((resolve) => setTimeout(resolve, ms));

describe('PollLoop', () => {
  it('runs steps back to back while there is more, and waits the interval when idle', async () => {
    let steps = 0;
    const loop = new PollLoop({
      step: async () => {
        steps += 1;
        return steps < 5 ? 'more' : 'idle';
      },
      intervalMs: 10_000,
      onError: () => undefined,
    });
    loop.start();
    await tick();
    expect(steps).toBe(5);
    await loop.stop();
  });

  it('wakes at once on notify, also when notified while a step was running', async () => {
    let steps = 0;
    const loop = new PollLoop({
      step: async () => {
        steps += 1;
        if (steps === 1) loop.notify();
        return 'idle';
      },
      intervalMs: 10_000,
      onError: () => undefined,
    });
    loop.start();
    await tick();
    expect(steps).toBe(2);
    loop.notify();
    await tick();
    expect(steps).toBe(3);
    await loop.stop();
  });

  it('reports a step that throws and goes on after the interval', async () => {
    const errors: unknown[] = [];
    let steps = 0;
    const loop = new PollLoop({
      step: async () => {
        steps += 1;
        if (steps === 1) throw new Error('database down');
        return 'idle';
      },
      intervalMs: 5,
      onError: (error) => errors.push(error),
    });
    loop.start();
    await tick(40);
    await loop.stop();
    expect(errors).toHaveLength(1);
    expect(steps).toBeGreaterThanOrEqual(2);
  });
});
