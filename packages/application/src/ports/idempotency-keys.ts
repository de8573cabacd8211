/** `Idempotency-Key` headers, remembered per seller for a while with the body they came with. */
export interface IdempotencyKeys {
  /**
   * Remembers `key` with `fingerprint` until `expiresAt`, unless it is already remembered and
   * unexpired: then returns the fingerprint it was first used with.
   */
  claim(claim: {
    readonly sellerId: string;
    readonly key: string;
    readonly fingerprint: string;
    readonly expiresAt: Date;
    readonly now: Date;
  }): Promise<{ readonly firstUse: boolean; readonly fingerprint: string }>;
}
