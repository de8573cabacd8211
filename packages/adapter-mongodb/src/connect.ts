/** Opens the one `MongoClient` of a process, with the driver options this service runs with. */
import { type Db, MongoClient } from 'mongodb';

export interface MongoConnectionOptions {
  /** The database all collections live in. */
  readonly dbName: string;
  /** How long an operation waits for a usable server before it fails; also bounds `connectMongo`. */
  readonly serverSelectionTimeoutMS?: number;
  readonly connectTimeoutMS?: number;
  readonly maxPoolSize?: number;
  readonly appName?: string;
  /**
   * Called with the name of every command the driver sends (`find`, `update`, `insert`, ...), from
   * the driver's command monitoring; connection handshakes and heartbeats are not commands. Off
   * when absent: monitoring costs a little on every command. `collection` is the one the command
   * names (none for `ping`, `hello`...).
   */
  readonly onCommand?: (commandName: string, collection: string | undefined) => void;
}

export interface MongoConnection {
  readonly client: MongoClient;
  readonly db: Db;
  /** Resolves when the server answers; rejects otherwise. For readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export const DEFAULT_MONGO_OPTIONS = {
  serverSelectionTimeoutMS: 5_000,
  connectTimeoutMS: 5_000,
  maxPoolSize: 20,
  appName: 'cancel-sync',
} as const;

/** Connects and checks the server answers, so that a wrong URI fails the start, not the first request. */
export const connectMongo = async (
  uri: string,
  options: MongoConnectionOptions,
): Promise<MongoConnection> => {
  const client = new MongoClient(uri, {
    appName: options.appName ?? DEFAULT_MONGO_OPTIONS.appName,
    serverSelectionTimeoutMS:
      options.serverSelectionTimeoutMS ?? DEFAULT_MONGO_OPTIONS.serverSelectionTimeoutMS,
    connectTimeoutMS: options.connectTimeoutMS ?? DEFAULT_MONGO_OPTIONS.connectTimeoutMS,
    maxPoolSize: options.maxPoolSize ?? DEFAULT_MONGO_OPTIONS.maxPoolSize,
    // Every write of this service is a single-document update whose outcome decides what it answers.
    writeConcern: { w: 'majority' },
    retryWrites: true,
    monitorCommands: options.onCommand !== undefined,
  });
  const { onCommand } = options;
  if (onCommand !== undefined) {
    client.on('commandStarted', (event) => {
      const target: unknown = event.command[event.commandName];
      onCommand(event.commandName, typeof target === 'string' ? target : undefined);
    });
  }
  try {
    await client.connect();
  } catch (error) {
    await client.close();
    throw error;
  }
  const db = client.db(options.dbName);
  const ping = async (): Promise<void> => {
    await db.command({ ping: 1 });
  };
  await ping();
  return { client, db, ping, close: () => client.close() };
};
