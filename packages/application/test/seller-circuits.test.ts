import { describe, expect, it } from 'vitest';
import { SellerCircuits } from '../src/index.ts';

const at = (ms: number) => new Date(Date.parse('2026-11-22T10:00:00.000Z') + ms);

describe('per-seller circuits', () => {
  const circuits = () => new SellerCircuits({ initialPauseMs: 1000, maxPauseMs: 4000, probeTimeoutMs: 500 });

  it('blocks a refused seller for the pause, then admits one probe and holds the others', () => {
    const subject = circuits();
    expect(subject.refused('s', 'j1', at(0))).toMatchObject({ opened: true, grew: true, pauseMs: 1000 });
    expect(subject.blocked(at(999))).toEqual(['s']);
    expect(subject.admit('s', 'j2', at(999))).toEqual({ kind: 'hold', until: at(1000) });
    expect(subject.blocked(at(1000))).toEqual([]);
    expect(subject.admit('s', 'j2', at(1000))).toEqual({ kind: 'probe' });
    expect(subject.admit('s', 'j3', at(1000))).toEqual({ kind: 'hold', until: at(1500) });
    expect(subject.blocked(at(1001))).toEqual(['s']);
  });

  it('lets any job of a seller without a circuit go', () => {
    expect(circuits().admit('s', 'j1', at(0))).toEqual({ kind: 'go' });
  });

  it('allows another probe when the first never reports back', () => {
    const subject = circuits();
    subject.refused('s', 'j1', at(0));
    subject.admit('s', 'j2', at(1000));
    expect(subject.blocked(at(1499))).toEqual(['s']);
    expect(subject.admit('s', 'j3', at(1500))).toEqual({ kind: 'probe' });
  });

  it('grows the pause once per refused probe, not for refusals of calls already under way', () => {
    const subject = circuits();
    subject.refused('s', 'j1', at(0));
    // Two more calls of the first round come back refused: the pause stays.
    expect(subject.refused('s', 'j2', at(10))).toMatchObject({ grew: false, pauseMs: 1000, until: at(1000) });
    expect(subject.refused('s', 'j3', at(20))).toMatchObject({ grew: false, pauseMs: 1000, refusals: 3 });
    subject.admit('s', 'p1', at(1000));
    expect(subject.refused('s', 'p1', at(1100))).toMatchObject({
      grew: true,
      pauseMs: 2000,
      until: at(3100),
    });
    subject.admit('s', 'p2', at(3100));
    expect(subject.refused('s', 'p2', at(3200)).pauseMs).toBe(4000);
    subject.admit('s', 'p3', at(7200));
    expect(subject.refused('s', 'p3', at(7300))).toMatchObject({ opened: false, pauseMs: 4000, refusals: 6 });
    expect(subject.succeeded('s')).toBe(true);
    expect(subject.blocked(at(7301))).toEqual([]);
    expect(subject.succeeded('s')).toBe(false);
  });

  it('reopens for the same pause after an inconclusive probe', () => {
    const subject = circuits();
    subject.refused('s', 'j1', at(0));
    subject.admit('s', 'p1', at(1000));
    subject.inconclusive('s', 'p1', at(1100));
    expect(subject.blocked(at(2099))).toEqual(['s']);
    expect(subject.blocked(at(2100))).toEqual([]);
  });

  it('ignores an inconclusive call that was not the probe', () => {
    const subject = circuits();
    subject.refused('s', 'j1', at(0));
    subject.admit('s', 'p1', at(1000));
    subject.inconclusive('s', 'other', at(1100));
    expect(subject.blocked(at(1499))).toEqual(['s']);
  });
});
