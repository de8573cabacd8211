import {
  MongoNetworkError,
  MongoNotConnectedError,
  MongoServerSelectionError,
  MongoTopologyClosedError,
} from 'mongodb';

/**
 * The database could not be reached (as opposed to refusing an operation): waited out by callers,
 * never a reason to give up on a message. Its message names no document, so it is safe to log.
 */
export const isStoreUnavailable = (error: unknown): boolean =>
  error instanceof MongoNetworkError ||
  error instanceof MongoServerSelectionError ||
  error instanceof MongoNotConnectedError ||
  error instanceof MongoTopologyClosedError ||
  (error instanceof Error && error.name === 'PoolClearedError');
