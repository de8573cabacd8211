/**
 * The HTTP use cases with MongoDB's "cannot reach the server" errors turned into the application's
 * `StoreUnavailableError`, which the HTTP adapter answers 503 with Retry-After.
 */
import { isStoreUnavailable } from '@cancel-sync/adapter-mongodb';
import { StoreUnavailableError } from '@cancel-sync/application';

export const storeUnavailableAs503 =
  <A extends unknown[], R>(useCase: (...args: A) => Promise<R>) =>
  async (...args: A): Promise<R> => {
    try {
      return await useCase(...args);
    } catch (error) {
      if (isStoreUnavailable(error)) {
        throw new StoreUnavailableError('the database cannot be reached', { cause: error });
      }
      throw error;
    }
  };
