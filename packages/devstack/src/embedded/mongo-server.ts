import { mkdir, rm } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { freePort } from '../free-port.ts';
import { logTail } from '../log-tail.ts';
import { javaSourceDir } from '../paths.ts';
import { probeMongo, waitUntilReady } from '../readiness.ts';
import { describeExit, quickStartJvmFlags, type RunningJava, spawnJava } from './java.ts';
import type { EmbeddedServerOptions } from './kafka-broker.ts';
import { logShowsPortTaken, PortTakenError } from './port-taken.ts';

export type EmbeddedMongo = { java: RunningJava; uri: string; ports: [number]; dataDir: string };

/**
 * mongo-java-server behind packages/devstack/java/MongoLauncher.java, on 127.0.0.1, with its H2
 * backend keeping databases, collections, documents and indexes in `<dir>/data/mongodb.h2`, so that
 * they are still there after a restart (with `keepData`). Resolves once it answers `ping`.
 */
export async function startEmbeddedMongo(options: EmbeddedServerOptions<[number]>): Promise<EmbeddedMongo> {
  const { dir } = options;
  if (!options.keepData) await rm(dir, { recursive: true, force: true }); // left by an attempt that lost its port
  const dataDir = join(dir, 'data');
  await mkdir(dataDir, { recursive: true });
  const [port] = options.ports ?? [await freePort()];
  const logFile = join(dir, 'server.log');
  const java = await spawnJava(
    [
      ...quickStartJvmFlags,
      '-Xmx256m',
      `-Ddevstack.run=${options.marker}`,
      '-Dorg.slf4j.simpleLogger.showDateTime=true',
      // One line per connection opened or closed drowns everything else.
      '-Dorg.slf4j.simpleLogger.log.de.bwaldvogel.mongo.wire=warn',
      '-cp',
      options.classpath.join(delimiter),
      join(javaSourceDir, 'MongoLauncher.java'),
      String(port),
      '127.0.0.1',
      join(dataDir, 'mongodb.h2'),
    ],
    { cwd: dir, logFile, outliveParent: options.outliveParent },
  );
  options.onSpawn(java.pid);
  // directConnection: a single server, never a replica set to discover.
  const uri = `mongodb://127.0.0.1:${port}/?directConnection=true`;
  try {
    await waitUntilReady(() => probeMongo(uri), {
      what: `The MongoDB-protocol server (pid ${java.pid})`,
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
  return { java, uri, ports: [port], dataDir };
}
