/** A throw-away Zipkin server for a test: in its own folder, stopped (and the folder removed) by `stop`. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveZipkinClasspath } from './embedded/embedded-stack.ts';
import { startEmbeddedZipkin } from './embedded/zipkin-server.ts';

export interface Zipkin {
  /** e.g. http://127.0.0.1:9411; spans in at `/api/v2/spans`, queries at `/api/v2/traces`. */
  readonly url: string;
  stop(): Promise<void>;
}

export const startZipkin = async (readyTimeoutMs = 120_000): Promise<Zipkin> => {
  const dir = await mkdtemp(join(tmpdir(), 'zipkin-'));
  const zipkin = await startEmbeddedZipkin({
    dir,
    marker: dir,
    keepData: false,
    classpath: await resolveZipkinClasspath(),
    outliveParent: false,
    deadline: Date.now() + readyTimeoutMs,
    onSpawn: () => undefined,
  });
  return {
    url: zipkin.url,
    stop: async () => {
      await zipkin.java.stop(5_000);
      await rm(dir, { recursive: true, force: true });
    },
  };
};
