/**
 * Readiness names Uniware degraded while its calls keep failing, without turning not ready (the API
 * Uniware calls does not need Uniware), and forgets it at the first call that gets an answer.
 */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { Lifecycle } from '../src/lifecycle.ts';
import { UniwareHealth } from '../src/uniware-health.ts';

const at = (iso: string) => () => new Date(iso);

describe('Uniware in readiness', () => {
  it('is degraded from the first failing call on, with the count and the last answer, and ready stays true', async () => {
    const lifecycle = new Lifecycle(pino({ level: 'silent' }));
    const health = new UniwareHealth(at('2026-12-01T10:00:00.000Z'));
    lifecycle.degradation('uniware', () => health.degradation());
    expect(await lifecycle.ready()).toEqual({ ready: true, checks: { accepting: 'ok' } });

    health.record({ kind: 'network-error', code: 'ECONNREFUSED' });
    health.record({ kind: 'response', httpStatus: 429 });

    expect(await lifecycle.ready()).toEqual({
      ready: true,
      checks: { accepting: 'ok' },
      degraded: { uniware: 'calls failing since 2026-12-01T10:00:00.000Z (2 in a row, last HTTP 429)' },
    });
  });

  it('is not degraded by an answer that judges the cancellation, even a refusal, and the next answer clears it', () => {
    const health = new UniwareHealth(at('2026-12-01T10:00:00.000Z'));
    health.record({ kind: 'response', httpStatus: 200 });
    health.record({ kind: 'response', httpStatus: 400 });
    expect(health.degradation()).toBeUndefined();
    health.record({ kind: 'response', httpStatus: 503 });
    health.record({ kind: 'response', httpStatus: 401 });
    expect(health.degradation()).toContain('last HTTP 401');
    health.record({ kind: 'response', httpStatus: 200 });
    expect(health.degradation()).toBeUndefined();
  });
});
