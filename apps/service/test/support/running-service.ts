/** The service under test, in this process or as a child process that can be killed. */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { loadConfig } from '../../src/config.ts';
import { type PortDecorators, type RunningService, startService } from '../../src/service.ts';
import { serviceCommand } from '../../src/service-command.ts';
import type { ServiceEnvironment } from './service-environment.ts';

/** Resolves once every part runs, Kafka's included, unless `kafka: 'do not wait'`. */
export const startInProcess = async (
  env: ServiceEnvironment,
  decorate: PortDecorators = {},
  options: { readonly kafka?: 'wait' | 'do not wait' } = {},
): Promise<RunningService> => {
  const service = await startService(loadConfig(env), pino({ level: env.LOG_LEVEL ?? 'silent' }), decorate);
  if (options.kafka !== 'do not wait') await service.kafkaStarted;
  return service;
};

export interface ServiceProcess {
  readonly child: ChildProcess;
  readonly httpUrl: string;
  /** Every line the process printed, for a failing test to show. */
  readonly output: string[];
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

const serviceDir = fileURLToPath(new URL('../..', import.meta.url));

/** Starts `src/main.ts` as its own process and resolves once it logged that it started. */
export const spawnService = (env: ServiceEnvironment, name: string): Promise<ServiceProcess> =>
  new Promise((resolve, reject) => {
    // As in production (`pnpm start`, the image): the same flags, telemetry loaded first.
    const command = serviceCommand();
    const child = spawn(process.execPath, [...command.args], {
      cwd: serviceDir,
      env: { ...command.env, ...process.env, ...env, LOG_LEVEL: 'info', SERVICE_INSTANCE_ID: name },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start in 60 s:\n${output.slice(-30).join('\n')}`));
    }, 60_000);
    let buffered = '';
    let httpUrl: string | undefined;
    let kafkaStarted = false;
    const onData = (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        output.push(line);
        if (output.length > 2000) output.shift();
        if (line.includes('"cancel-sync started"')) {
          httpUrl = (JSON.parse(line) as { httpUrl: string }).httpUrl;
        }
        if (line.includes('"Kafka parts started"')) kafkaStarted = true;
        if (httpUrl !== undefined && kafkaStarted) {
          clearTimeout(timer);
          resolve({
            child,
            httpUrl,
            output,
            kill: (signal) => {
              child.kill(signal);
              return exited;
            },
          });
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code} before it started:\n${output.slice(-30).join('\n')}`));
    });
  });
