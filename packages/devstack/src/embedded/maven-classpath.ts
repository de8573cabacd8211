import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, existsSync, openSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { withFileLock } from '../file-lock.ts';
import { logTail } from '../log-tail.ts';
import { cacheRoot } from '../paths.ts';
import { progress, secondsSince } from '../progress.ts';

export type MavenArtifact = {
  groupId: string;
  artifactId: string;
  version: string;
  /** e.g. `exec` for a self-contained jar published beside the plain one. */
  classifier?: string;
  /** The jar alone, none of the dependencies its POM declares (a self-contained jar has them inside). */
  withoutDependencies?: boolean;
};

export type ClasspathRequest = {
  /** Directory name under the cache root, e.g. `kafka-4.4.0`. */
  name: string;
  /** What a person reads in progress lines, e.g. `Apache Kafka 4.4.0`. */
  label: string;
  artifacts: readonly MavenArtifact[];
};

/** The plugin version is pinned so that a cold resolution does the same thing on every machine. */
const MAVEN_DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.11.0';
const ATTEMPTS = 2;
const ATTEMPT_TIMEOUT_MS = 10 * 60_000;

/**
 * The runtime classpath of `request.artifacts`, resolved by Maven from Maven Central on first use and
 * cached under the cache root (see paths.ts) afterwards. Maven's local repository for this lives in
 * the cache root too, so removing that one directory brings back a true cold start.
 */
export async function resolveClasspath(request: ClasspathRequest): Promise<string[]> {
  const root = cacheRoot();
  const dir = join(root, request.name);
  const pom = pomFor(request);
  const cached = await readCachedClasspath(dir, pom);
  if (cached !== undefined) return cached;

  await mkdir(root, { recursive: true });
  return withFileLock(
    join(root, 'maven.lock'),
    {
      staleAfterMs: 2 * ATTEMPT_TIMEOUT_MS,
      onWait: (holder) => progress(`waiting for ${holder} to finish resolving artifacts with Maven`),
    },
    async () => {
      // Whoever held the lock before us may have resolved this very classpath.
      const resolvedMeanwhile = await readCachedClasspath(dir, pom);
      if (resolvedMeanwhile !== undefined) return resolvedMeanwhile;
      return resolveWithMaven(request, dir, pom, root);
    },
  );
}

async function readCachedClasspath(dir: string, pom: string): Promise<string[] | undefined> {
  try {
    const [cachedPom, text] = await Promise.all([
      readFile(join(dir, 'pom.xml'), 'utf8'),
      readFile(join(dir, 'classpath.txt'), 'utf8'),
    ]);
    if (cachedPom !== pom) return undefined; // the artifact list changed since
    const jars = text
      .trim()
      .split(delimiter)
      .filter((entry) => entry !== '');
    if (jars.length === 0 || !jars.every((jar) => existsSync(jar))) return undefined;
    return jars;
  } catch {
    return undefined;
  }
}

async function resolveWithMaven(
  request: ClasspathRequest,
  dir: string,
  pom: string,
  root: string,
): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'pom.xml'), pom);
  const output = join(dir, 'classpath.tmp');
  const logFile = join(dir, 'maven.log');
  const args = [
    '--batch-mode',
    '--no-transfer-progress',
    `-Dmaven.repo.local=${join(root, 'maven-repository')}`,
    '-f',
    join(dir, 'pom.xml'),
    `${MAVEN_DEPENDENCY_PLUGIN}:build-classpath`,
    `-Dmdep.outputFile=${output}`,
    '-Dmdep.includeScope=runtime',
  ];

  const started = Date.now();
  progress(`resolving ${request.label} from Maven Central (first use on this machine; cached in ${dir})`);
  let failure = '';
  for (let attempt = 1; attempt <= ATTEMPTS; attempt += 1) {
    await rm(output, { force: true });
    const result = await runMaven(args, dir, logFile, request.label, started);
    if (result.ok) {
      const jars = (await readFile(output, 'utf8'))
        .trim()
        .split(delimiter)
        .filter((entry) => entry !== '');
      const missing = jars.filter((jar) => !existsSync(jar));
      if (jars.length > 0 && missing.length === 0) {
        await writeFile(join(dir, 'classpath.tmp2'), jars.join(delimiter));
        await rename(join(dir, 'classpath.tmp2'), join(dir, 'classpath.txt'));
        await rm(output, { force: true });
        progress(`resolved ${request.label}: ${jars.length} jars in ${secondsSince(started)} s`);
        return jars;
      }
      failure = `Maven reported success but the classpath is incomplete (missing: ${missing.join(', ') || 'everything'})`;
    } else {
      failure = result.reason;
      if (!result.retry) break;
    }
    if (attempt < ATTEMPTS) progress(`resolving ${request.label} failed (${failure}); trying once more`);
  }
  throw new Error(
    `Could not resolve ${request.label} with Maven: ${failure}\n` +
      `The embedded servers need Maven (mvn) and access to Maven Central (or a mirror in ~/.m2/settings.xml).\n` +
      `Maven's output is in ${logFile}; its end:\n${await logTail(logFile)}`,
  );
}

/** `retry` is false when trying again cannot help (Maven is not there at all). */
type MavenResult = { ok: true } | { ok: false; reason: string; retry: boolean };

async function runMaven(
  args: readonly string[],
  cwd: string,
  logFile: string,
  label: string,
  started: number,
): Promise<MavenResult> {
  const fd = openSync(logFile, 'w');
  const child = spawn('mvn', args, { cwd, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  // Without a terminal nothing else shows that a cold start is alive; say so now and then.
  const heartbeat = setInterval(
    () => progress(`still resolving ${label} (${secondsSince(started)} s)`),
    15_000,
  );
  const timeout = setTimeout(() => child.kill('SIGKILL'), ATTEMPT_TIMEOUT_MS);
  try {
    const [code, signal] = (await once(child, 'exit')) as [number | null, NodeJS.Signals | null];
    if (code === 0) return { ok: true };
    const reason = signal === null ? `mvn exited with code ${code}` : `mvn was killed by ${signal}`;
    return { ok: false, reason, retry: true };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      reason: `cannot run mvn (${reason}); Maven must be installed and on PATH`,
      retry: false,
    };
  } finally {
    clearInterval(heartbeat);
    clearTimeout(timeout);
  }
}

function pomFor(request: ClasspathRequest): string {
  const dependencies = request.artifacts
    .map(
      (artifact) =>
        `    <dependency><groupId>${artifact.groupId}</groupId><artifactId>${artifact.artifactId}</artifactId>` +
        `<version>${artifact.version}</version>` +
        (artifact.classifier === undefined ? '' : `<classifier>${artifact.classifier}</classifier>`) +
        (artifact.withoutDependencies === true
          ? '<exclusions><exclusion><groupId>*</groupId><artifactId>*</artifactId></exclusion></exclusions>'
          : '') +
        '</dependency>',
    )
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by packages/devstack to resolve a runtime classpath; not a build. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.cancel-sync.devstack</groupId>
  <artifactId>${request.name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${dependencies}
  </dependencies>
</project>
`;
}
