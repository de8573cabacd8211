import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';

export type Probe = { ok: true } | { ok: false; reason: string };

/**
 * Answered when a kafkajs admin client connects and the broker serves cluster metadata. With
 * `expectedClusterId`, a broker of another cluster on that address (one that took the port we were
 * given) does not count.
 */
export async function probeKafka(
  brokers: readonly string[],
  options: { timeoutMs?: number; expectedClusterId?: string } = {},
): Promise<Probe> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const kafka = new Kafka({
    clientId: 'devstack-probe',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 1_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.fetchTopicMetadata();
    if (options.expectedClusterId !== undefined) {
      const { clusterId } = await admin.describeCluster();
      if (clusterId !== options.expectedClusterId) {
        return { ok: false, reason: `a broker of another cluster (${clusterId}) answers there` };
      }
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/**
 * Makes the broker create its consumer-offsets topic now, while we wait anyway, rather than in the
 * middle of the first test that joins a group (where kafkajs logs "group coordinator not available"
 * until it exists).
 */
export async function warmUpGroupCoordinator(brokers: readonly string[]): Promise<void> {
  const kafka = new Kafka({
    clientId: 'devstack-warm-up',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.describeGroups(['devstack-warm-up']);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

/** Answered when the server replies to `ping`. */
export async function probeMongo(uri: string, timeoutMs = 3_000): Promise<Probe> {
  const client = new MongoClient(uri, {
    serverSelectionTimeoutMS: timeoutMs,
    connectTimeoutMS: timeoutMs,
  });
  try {
    await client.connect();
    await client.db('admin').command({ ping: 1 });
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: describe(error) };
  } finally {
    await client.close().catch(() => undefined);
  }
}

export type WaitOptions = {
  what: string;
  deadline: number;
  /** Why the server can no longer come up (its process ended), or undefined while it may. */
  gaveUp?: () => string | undefined;
};

/** Polls `probe` until it answers; throws naming the last failure on timeout or when the server died. */
export async function waitUntilReady(probe: () => Promise<Probe>, options: WaitOptions): Promise<void> {
  let last = 'not probed yet';
  for (;;) {
    const dead = options.gaveUp?.();
    if (dead !== undefined) throw new Error(`${options.what} ${dead} before it was ready`);
    const result = await probe();
    if (result.ok) return;
    last = result.reason;
    if (Date.now() > options.deadline)
      throw new Error(`${options.what} was not ready in time (last probe: ${last})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
