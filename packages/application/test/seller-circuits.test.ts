import { describe, expect, it } from 'vitest';
import { SellerCircuits } from '../src/index.ts';

const at = (ms: number) => new Date(Date.parse('2026-11-22T10:00:00.000Z') + ms);

describe('per-seller circuits', () => {
  const circuits = () => new SellerCircuits({ initialPauseMs: 1000, maxPauseMs: 4000, probeTimeoutMs: 500 });

  it('blocks a refused seller for the pause, then lets one probe go', () => {
    const subject = circuits();
    expect(subject.refused('s', at(0))).toEqual({ opened: true, pauseMs: 1000, refusals: 1 });
    expect(subject.blocked(at(999))).toEqual(['s']);
    expect(subject.blocked(at(1000))).toEqual([]);
    subject.claimed('s', at(1000));
    expect(subject.blocked(at(1001))).toEqual(['s']);
  });

  it('allows another probe when the first never reports back', () => {
    const subject = circuits();
    subject.refused('s', at(0));
    subject.claimed('s', at(1000));
    expect(subject.blocked(at(1499))).toEqual(['s']);
    expect(subject.blocked(at(1500))).toEqual([]);
  });

  it('doubles the pause while probes are refused, up to the cap, and closes on success', () => {
    const subject = circuits();
    subject.refused('s', at(0));
    expect(subject.refused('s', at(1000)).pauseMs).toBe(2000);
    expect(subject.refused('s', at(3000)).pauseMs).toBe(4000);
    expect(subject.refused('s', at(7000))).toEqual({ opened: false, pauseMs: 4000, refusals: 4 });
    expect(subject.succeeded('s')).toBe(true);
    expect(subject.blocked(at(7001))).toEqual([]);
    expect(subject.succeeded('s')).toBe(false);
  });

  it('reopens for the same pause after an inconclusive probe', () => {
    const subject = circuits();
    subject.refused('s', at(0));
    subject.claimed('s', at(1000));
    subject.inconclusive('s', at(1100));
    expect(subject.blocked(at(2099))).toEqual(['s']);
    expect(subject.blocked(at(2100))).toEqual([]);
  });
});
