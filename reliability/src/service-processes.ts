/**
 * Service instances as child processes (the service test support's `spawnService`), with what a
 * scenario reads from them: their ports, readiness and metrics; and SIGKILL, with the time of it.
 */
import { type ServiceProcess, spawnService } from '../../apps/service/test/support/running-service.ts';
import type { ServiceEnvironment } from '../../apps/service/test/support/service-environment.ts';

export interface Instance {
  /** Its SERVICE_INSTANCE_ID: the owner named on the leases and attempts it takes. */
  readonly name: string;
  readonly httpUrl: string;
  readonly opsUrl: string;
  readonly process: ServiceProcess;
  /** `/readyz` on the operations port: its status (0 when nothing answers) and checks. */
  readiness(): Promise<{ status: number; body: unknown }>;
  /** One sample of `/metrics`, e.g. `cancel_sync_deliveries_total{outcome="delivered"}`. */
  metric(sample: string): Promise<number>;
  /** SIGKILL; resolves once the process is gone, with the time the signal was sent. */
  kill(): Promise<number>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
}

/** On a loaded machine a start can outlast spawnService's 60 s (Kafka connections time out): tried up to three times. */
const spawnPatiently = async (env: ServiceEnvironment, name: string): Promise<ServiceProcess> => {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await spawnService(env, name);
    } catch (error) {
      if (attempt >= 3) throw error;
    }
  }
};

export const startInstance = async (env: ServiceEnvironment, name: string): Promise<Instance> => {
  const child = await spawnPatiently(env, name);
  const opsUrl =
    child.output.map((line) => /"opsUrl":"([^"]+)"/.exec(line)?.[1]).find((url) => url !== undefined) ?? '';
  return {
    name,
    httpUrl: child.httpUrl,
    opsUrl,
    process: child,
    readiness: async () => {
      const response = await fetch(`${opsUrl}/readyz`, { signal: AbortSignal.timeout(5_000) }).catch(
        () => undefined,
      );
      return { status: response?.status ?? 0, body: await response?.json().catch(() => undefined) };
    },
    metric: async (sample) => {
      const text = await (await fetch(`${opsUrl}/metrics`)).text();
      const line = text.split('\n').find((row) => row.startsWith(`${sample} `));
      return Number(line?.slice(sample.length + 1) ?? Number.NaN);
    },
    kill: async () => {
      const at = Date.now();
      await child.kill('SIGKILL');
      return at;
    },
    stop: async () => {
      await child.kill('SIGTERM');
    },
  };
};
