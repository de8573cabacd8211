/**
 * The store (MongoDB) cannot be reached right now. Adapters of the store say which of their errors
 * mean this; the HTTP adapter answers it 503 with Retry-After and never passes the cause on.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}
