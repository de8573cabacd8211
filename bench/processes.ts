/** The service and the baselines as their own processes, and what the bench reads from them. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serviceCommand } from '../apps/service/src/service-command.ts';
import type { Memory } from './report.ts';
import { commandCounts, metricSamples, round, rssMiB } from './stats.ts';

const root = fileURLToPath(new URL('../', import.meta.url));

export interface Started {
  readonly child: ChildProcess;
  /** The first line on stdout matching the start pattern. */
  readonly match: RegExpExecArray;
  stop(): Promise<void>;
  /** `fetch` that, when the process is gone, says so (with its exit code or signal and last output). */
  fetch(url: string): Promise<Response>;
}

const start = (
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  started: RegExp,
  name: string,
): Promise<Started> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    const stop = async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    };
    let buffered = '';
    let found = false;
    /** The last lines printed after the start, kept to say why the process went away. */
    let tail = '';
    const fetchFrom = async (url: string) => {
      try {
        return await fetch(url);
      } catch (error) {
        const gone = child.exitCode ?? child.signalCode;
        if (gone === null) throw error;
        throw new Error(`${name} (pid ${child.pid}) is gone (${gone}); its last output:\n${tail}`, {
          cause: error,
        });
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      if (found) {
        tail = (tail + chunk.toString()).slice(-4_000);
        return;
      }
      buffered += chunk.toString();
      const match = started.exec(buffered);
      if (match !== null) {
        found = true;
        buffered = '';
        resolve({ child, match, stop, fetch: fetchFrom });
      }
      if (buffered.length > 1_000_000) buffered = buffered.slice(-10_000);
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code} before it started`)));
  });

export interface ServiceProcess {
  readonly pid: number;
  readonly httpUrl: string;
  readonly metricsUrl: string;
  /** The whole /metrics text. */
  scrape(): Promise<string>;
  commands(): Promise<Record<string, number>>;
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

/**
 * The service as it ships (`serviceCommand`: its flags and runtime environment) with `env`; resolves
 * once it logged "cancel-sync started". BENCH_SERVICE_NODE_ARGS (space-separated) goes before the
 * script, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof` (the profile is written when the service exits
 * on SIGTERM).
 */
export const spawnService = async (env: Record<string, string>): Promise<ServiceProcess> => {
  const command = serviceCommand();
  const nodeArgs = (process.env.BENCH_SERVICE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
  const started = await start(
    [...nodeArgs, ...command.args],
    `${root}apps/service/`,
    { ...command.env, ...env },
    /"httpUrl":"([^"]+)","metricsUrl":"([^"]+)"[^\n]*"cancel-sync started"/,
    'the service',
  );
  const [, httpUrl = '', metricsUrl = ''] = started.match;
  const scrape = async () => (await started.fetch(metricsUrl)).text();
  return {
    pid: started.child.pid ?? 0,
    httpUrl,
    metricsUrl,
    scrape,
    commands: async () => commandCounts(await scrape()),
    memory: async () => {
      const heap =
        metricSamples(await scrape(), 'cancel_sync_nodejs_heap_size_used_bytes').get('') ?? Number.NaN;
      return { rssMiB: await rssMiB(started.child.pid ?? 0), heapUsedMiB: round(heap / 2 ** 20, 1) };
    },
    stop: started.stop,
  };
};

export interface BaselineProcess {
  readonly url: string;
  memory(): Promise<Memory>;
  stop(): Promise<void>;
}

/** `node bench/baselines/<name>.ts` with `env`; resolves once it printed `{"url": ...}`. */
export const spawnBaseline = async (
  name: 'inbound' | 'outbound',
  env: Record<string, string>,
): Promise<BaselineProcess> => {
  const started = await start(
    [`baselines/${name}.ts`],
    `${root}bench/`,
    env,
    /\{"url":"([^"]+)"\}/,
    `the ${name} baseline`,
  );
  const url = started.match[1] ?? '';
  return {
    url,
    memory: async () => {
      const usage = (await (await started.fetch(`${url}/memory`)).json()) as { heapUsed: number };
      return {
        rssMiB: await rssMiB(started.child.pid ?? 0),
        heapUsedMiB: round(usage.heapUsed / 2 ** 20, 1),
      };
    },
    stop: started.stop,
  };
};
