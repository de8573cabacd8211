/** Time and ids come in from outside so that use cases stay deterministic under test. */
export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  /** A new random UUID (v4). */
  newId(): string;
}
