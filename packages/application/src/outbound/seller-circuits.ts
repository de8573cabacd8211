/**
 * Uniware refusing our credentials for a seller is not the job's fault and will not heal by
 * retrying: deliveries for that seller stop, ONE probe goes out after a pause, and the pause doubles
 * each time a probe is refused. Refusals of calls that were already under way when the circuit
 * opened do not grow it. Only changes of state are reported, never every refusal.
 */

type Circuit = {
  /** Open: when a probe may go. Probing: when the probe counts as lost, and another may go. */
  readonly until: number;
  readonly pauseMs: number;
  readonly refusals: number;
  /** The job sent as this pause's probe, while it is under way. */
  readonly probeJobId?: string | undefined;
};

export interface CircuitSettings {
  readonly initialPauseMs: number;
  readonly maxPauseMs: number;
  /** How long a probe may take before another is allowed (a probe whose delivery failed or vanished). */
  readonly probeTimeoutMs: number;
}

/** What a claimed job of a seller may do now. */
export type Admission =
  | { readonly kind: 'go' }
  | { readonly kind: 'probe' }
  | { readonly kind: 'hold'; readonly until: Date };

export class SellerCircuits {
  readonly #circuits = new Map<string, Circuit>();
  readonly #settings: CircuitSettings;

  constructor(settings: CircuitSettings) {
    this.#settings = settings;
  }

  /** Sellers whose deliveries must not be claimed now. */
  blocked(now: Date): string[] {
    return [...this.#circuits.entries()]
      .filter(([, circuit]) => circuit.until > now.getTime())
      .map(([sellerId]) => sellerId);
  }

  /** Open circuits, for the metric. */
  get openCount(): number {
    return this.#circuits.size;
  }

  /** Decides for a claimed job: no circuit, go; the pause is over and no probe is out, probe; else hold. */
  admit(sellerId: string, jobId: string, now: Date): Admission {
    const circuit = this.#circuits.get(sellerId);
    if (circuit === undefined) return { kind: 'go' };
    if (circuit.until > now.getTime()) return { kind: 'hold', until: new Date(circuit.until) };
    this.#circuits.set(sellerId, {
      ...circuit,
      probeJobId: jobId,
      until: now.getTime() + this.#settings.probeTimeoutMs,
    });
    return { kind: 'probe' };
  }

  /** Any accepted call proves the credentials work. @returns true when this closes a circuit. */
  succeeded(sellerId: string): boolean {
    return this.#circuits.delete(sellerId);
  }

  /**
   * @returns the pause before the next probe, whether this opened the circuit, and whether it grew
   *   (only the first refusal and a refused probe count; calls that were under way do not).
   */
  refused(
    sellerId: string,
    jobId: string,
    now: Date,
  ): {
    readonly opened: boolean;
    readonly grew: boolean;
    readonly pauseMs: number;
    readonly refusals: number;
    readonly until: Date;
  } {
    const circuit = this.#circuits.get(sellerId);
    if (circuit === undefined) {
      const pauseMs = this.#settings.initialPauseMs;
      const until = now.getTime() + pauseMs;
      this.#circuits.set(sellerId, { until, pauseMs, refusals: 1 });
      return { opened: true, grew: true, pauseMs, refusals: 1, until: new Date(until) };
    }
    const refusals = circuit.refusals + 1;
    if (circuit.probeJobId !== jobId) {
      this.#circuits.set(sellerId, { ...circuit, refusals });
      return {
        opened: false,
        grew: false,
        pauseMs: circuit.pauseMs,
        refusals,
        until: new Date(circuit.until),
      };
    }
    const pauseMs = Math.min(this.#settings.maxPauseMs, circuit.pauseMs * 2);
    const until = now.getTime() + pauseMs;
    this.#circuits.set(sellerId, { until, pauseMs, refusals });
    return { opened: false, grew: true, pauseMs, refusals, until: new Date(until) };
  }

  /** A call ended without telling anything about the credentials (e.g. a timeout). */
  inconclusive(sellerId: string, jobId: string, now: Date): void {
    const circuit = this.#circuits.get(sellerId);
    if (circuit?.probeJobId === jobId) {
      this.#circuits.set(sellerId, {
        ...circuit,
        probeJobId: undefined,
        until: now.getTime() + circuit.pauseMs,
      });
    }
  }
}
