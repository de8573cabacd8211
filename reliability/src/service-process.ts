/**
 * The service as a child process (`src/main.ts`, telemetry loaded first as in production), with
 * every line it printed kept: the hostile-input scenario checks it did not crash, the security one
 * greps the whole output for secrets.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serviceCommand } from '../../apps/service/src/service-command.ts';
import {
  type ServiceEnvironment,
  serviceEnvironment as testsEnvironment,
} from '../../apps/service/test/support/service-environment.ts';

export type { ServiceEnvironment };

/** The service tests' environment (a database, topics and groups of its own), logging at info. */
export const serviceEnvironment = (
  stack: { kafkaBrokers: string[]; mongodbUri: string },
  uniwareUrl: string,
  overrides: ServiceEnvironment = {},
): ServiceEnvironment => testsEnvironment(stack, uniwareUrl, { LOG_LEVEL: 'info', ...overrides });

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly httpUrl: string;
  readonly opsUrl: string;
  /** Every line the process printed, stdout and stderr, from its start. */
  readonly output: string[];
  /** The exit code once it exited (a crash shows here), else undefined. */
  exitCode(): number | null | undefined;
  /** SIGTERM, and the exit code once it stopped. */
  stop(): Promise<number | null>;
}

const serviceDir = fileURLToPath(new URL('../../apps/service/', import.meta.url));

/** Resolves once the process logged that it started and that its Kafka parts run. */
export const spawnServiceProcess = (env: ServiceEnvironment, name: string): Promise<ServiceProcess> =>
  new Promise((resolve, reject) => {
    // Started as `pnpm start` and the image start it: its node flags and runtime environment.
    const command = serviceCommand();
    const child = spawn(process.execPath, [...command.args], {
      cwd: serviceDir,
      env: { ...process.env, ...command.env, ...env, SERVICE_INSTANCE_ID: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    let exit: number | null | undefined;
    const exited = new Promise<number | null>((done) =>
      child.once('exit', (code, signal) => {
        exit = code ?? (signal === null ? null : 128);
        done(exit);
      }),
    );
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in 90 s:\n${output.slice(-30).join('\n')}`));
    }, 90_000);
    let buffered = '';
    let started: { httpUrl: string; opsUrl: string } | undefined;
    let kafkaStarted = false;
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (line.includes('"cancel-sync started"')) started = JSON.parse(line) as typeof started;
        if (line.includes('"Kafka parts started"')) kafkaStarted = true;
      }
      if (started !== undefined && kafkaStarted) {
        clearTimeout(timer);
        const { httpUrl, opsUrl } = started;
        started = undefined;
        resolve({
          child,
          httpUrl,
          opsUrl,
          output,
          exitCode: () => exit,
          stop: () => {
            if (exit === undefined) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it started:\n${output.slice(-30).join('\n')}`));
    });
  });
