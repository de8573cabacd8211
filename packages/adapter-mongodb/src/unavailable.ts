/** Which driver errors mean "MongoDB cannot be reached now" rather than "this operation is wrong". */
import { MongoNetworkError, MongoNetworkTimeoutError, MongoServerSelectionError } from 'mongodb';

export const isMongoUnavailable = (error: unknown): boolean =>
  error instanceof MongoServerSelectionError ||
  error instanceof MongoNetworkError ||
  error instanceof MongoNetworkTimeoutError;
