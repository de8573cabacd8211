/** The cryptography the use cases need, behind a port so the application imports no runtime module. */
export interface Crypto {
  /** A fresh random secret of at least 128 bits, URL-safe. */
  randomToken(): string;
  /** A fast one-way digest (hex SHA-256) for lookups of high-entropy secrets and for fingerprints. */
  digest(text: string): string;
  /** A slow, salted hash of a password, self-describing (algorithm and parameters included). */
  hashPassword(password: string): Promise<string>;
  /**
   * Compares in constant time; false for a malformed hash. With no hash (an unknown user) it does the
   * same work against a decoy and answers false, so timing does not tell which usernames exist.
   */
  verifyPassword(password: string, passwordHash: string | undefined): Promise<boolean>;
}
