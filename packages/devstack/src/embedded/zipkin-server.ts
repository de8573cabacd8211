import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { freePort } from '../free-port.ts';
import { logTail } from '../log-tail.ts';
import { type Probe, waitUntilReady } from '../readiness.ts';
import { describeExit, quickStartJvmFlags, type RunningJava, spawnJava } from './java.ts';
import type { EmbeddedServerOptions } from './kafka-broker.ts';
import { logShowsPortTaken, PortTakenError } from './port-taken.ts';
import { ZIPKIN_VERSION } from './versions.ts';

export type EmbeddedZipkin = { java: RunningJava; url: string; ports: [number]; dataDir: string };

/** Spans kept in memory, at most; the oldest traces go first. Sized for the small heap below. */
const MAX_SPANS = 50_000;

/**
 * Zipkin's server (`java -jar zipkin-server-<version>-exec.jar`) with its in-memory storage, on
 * 127.0.0.1 only: the UI at `/zipkin/`, spans in at `/api/v2/spans`, queries at `/api/v2/traces`.
 * Resolves once `/health` answers. Spans live in memory and are gone when it stops.
 */
export async function startEmbeddedZipkin(options: EmbeddedServerOptions<[number]>): Promise<EmbeddedZipkin> {
  const { dir } = options;
  if (!options.keepData) await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const [port] = options.ports ?? [await freePort()];
  const [jar] = options.classpath;
  if (jar === undefined) throw new Error(`no jar resolved for Zipkin ${ZIPKIN_VERSION}`);
  const logFile = join(dir, 'server.log');
  const java = await spawnJava(
    [
      ...quickStartJvmFlags,
      '-Xms32m',
      '-Xmx256m',
      `-Ddevstack.run=${options.marker}`,
      '-jar',
      jar,
      // Armeria's port list replaces `--server.port` (QUERY_PORT), and only there can the address be set.
      `--armeria.ports[0].port=${port}`,
      '--armeria.ports[0].ip=127.0.0.1',
      '--armeria.ports[0].protocols[0]=http',
      `--zipkin.storage.mem.max-spans=${MAX_SPANS}`,
    ],
    { cwd: dir, logFile, outliveParent: options.outliveParent },
  );
  options.onSpawn(java.pid);
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitUntilReady(() => probeZipkin(url), {
      what: `Zipkin ${ZIPKIN_VERSION} (pid ${java.pid})`,
      deadline: options.deadline,
      gaveUp: () => {
        const exit = java.exit();
        return exit === undefined ? undefined : describeExit(exit);
      },
    });
  } catch (error) {
    await java.stop(5_000);
    const reason = error instanceof Error ? error.message : String(error);
    const message = `${reason}\nEnd of ${logFile}:\n${await logTail(logFile)}`;
    throw (await logShowsPortTaken(logFile)) ? new PortTakenError(message) : new Error(message);
  }
  return { java, url, ports: [port], dataDir: dir };
}

/** Answered when `/health` says UP. */
export async function probeZipkin(url: string, timeoutMs = 3_000): Promise<Probe> {
  try {
    const answer = await fetch(`${url}/health`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!answer.ok) return { ok: false, reason: `/health answered ${answer.status}` };
    const body = (await answer.json()) as { status?: string };
    return body.status === 'UP' ? { ok: true } : { ok: false, reason: `/health says ${body.status}` };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  }
}
