/**
 * Uniware refusing our credentials for a seller is not the job's fault and will not heal by
 * retrying: deliveries for that seller stop, one probe goes out after a pause, and the pause doubles
 * while the probes keep failing. Only the change of state is reported, never every refusal.
 */

type Circuit = {
  readonly state: 'open' | 'probing';
  /** Open: when the next probe may go. Probing: when the probe counts as lost, and another may go. */
  readonly until: number;
  readonly pauseMs: number;
  readonly refusals: number;
};

export interface CircuitSettings {
  readonly initialPauseMs: number;
  readonly maxPauseMs: number;
  /** How long a probe may take before another is allowed (a probe whose delivery failed or vanished). */
  readonly probeTimeoutMs?: number;
}

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

  /** A job of this seller was claimed: if its circuit is open, that job is the one probe. */
  claimed(sellerId: string, now: Date): void {
    const circuit = this.#circuits.get(sellerId);
    if (circuit === undefined) return;
    const probeTimeoutMs = this.#settings.probeTimeoutMs ?? circuit.pauseMs;
    this.#circuits.set(sellerId, { ...circuit, state: 'probing', until: now.getTime() + probeTimeoutMs });
  }

  /** @returns true when this closes an open circuit. */
  succeeded(sellerId: string): boolean {
    return this.#circuits.delete(sellerId);
  }

  /** @returns the pause before the next probe, and whether the circuit was closed until now. */
  refused(
    sellerId: string,
    now: Date,
  ): { readonly opened: boolean; readonly pauseMs: number; readonly refusals: number } {
    const circuit = this.#circuits.get(sellerId);
    const pauseMs =
      circuit === undefined
        ? this.#settings.initialPauseMs
        : Math.min(this.#settings.maxPauseMs, circuit.pauseMs * 2);
    const refusals = (circuit?.refusals ?? 0) + 1;
    this.#circuits.set(sellerId, { state: 'open', until: now.getTime() + pauseMs, pauseMs, refusals });
    return { opened: circuit === undefined, pauseMs, refusals };
  }

  /** The probe ended without telling anything about the credentials (e.g. a timeout). */
  inconclusive(sellerId: string, now: Date): void {
    const circuit = this.#circuits.get(sellerId);
    if (circuit?.state === 'probing') {
      this.#circuits.set(sellerId, { ...circuit, state: 'open', until: now.getTime() + circuit.pauseMs });
    }
  }
}
