import { MongoServerError } from 'mongodb';

/** The one driver error the adapters expect: a unique index (or `_id`) refused a second document. */
export const isDuplicateKeyError = (error: unknown): boolean =>
  error instanceof MongoServerError && error.code === 11000;
