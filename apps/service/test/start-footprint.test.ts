/**
 * What a start loads: the OpenTelemetry SDK and its instrumentations only when tracing is on (they
 * cost ~14 MiB of heap and ~30 MiB of RSS for nothing otherwise), and every place that starts the
 * service starts it with the same command.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serviceCommand } from '../src/service-command.ts';

const serviceDir = fileURLToPath(new URL('..', import.meta.url));
const root = fileURLToPath(new URL('../../..', import.meta.url));

/** The packages a start resolves, up to `--help` (the whole static module graph of main.ts). */
const packagesLoaded = (env: Record<string, string>): string[] => {
  const command = serviceCommand();
  const file = join(mkdtempSync(join(tmpdir(), 'imports-')), 'resolved.json');
  const answer = spawnSync(
    process.execPath,
    ['--import', './test/support/record-imports.ts', ...command.args, '--help'],
    {
      cwd: serviceDir,
      encoding: 'utf8',
      timeout: 30_000,
      env: { PATH: process.env.PATH ?? '', ...command.env, ...env, RECORD_IMPORTS_FILE: file },
    },
  );
  expect(answer.status, answer.stderr).toBe(0);
  const urls = JSON.parse(readFileSync(file, 'utf8')) as string[];
  rmSync(dirname(file), { recursive: true, force: true });
  const names = urls.flatMap((url) => {
    const match = /node_modules\/(@[^/]+\/[^/]+|[^@/][^/]*)\//.exec(
      url.split('/node_modules/.pnpm/').at(-1) ?? '',
    );
    return match?.[1] === undefined ? [] : [match[1]];
  });
  return [...new Set(names)].sort();
};

const tracingPackages = (names: readonly string[]) =>
  names.filter(
    (name) =>
      name.startsWith('@opentelemetry/sdk-') ||
      name.startsWith('@opentelemetry/instrumentation') ||
      name === '@fastify/otel',
  );

describe('a start of the service', () => {
  it('does not load the OpenTelemetry SDK nor its instrumentations when tracing is off', () => {
    expect(tracingPackages(packagesLoaded({}))).toEqual([]);
  });

  it('does not load the Uniware client (undici) before it knows that it runs the dispatcher', () => {
    expect(packagesLoaded({}).filter((name) => name === 'undici')).toEqual([]);
  });

  it('loads them when an exporter is chosen', () => {
    const loaded = tracingPackages(packagesLoaded({ OTEL_TRACES_EXPORTER: 'console' }));
    expect(loaded).toEqual(expect.arrayContaining(['@opentelemetry/sdk-node', '@fastify/otel']));
  });

  it('is the same command in the package script, the image and pnpm start', () => {
    const command = serviceCommand();
    const pkg = JSON.parse(readFileSync(`${serviceDir}package.json`, 'utf8')) as {
      scripts: { start: string };
    };
    const envPrefix = Object.entries(command.env).map(([name, value]) => `${name}=${value}`);
    expect(pkg.scripts.start).toBe([...envPrefix, 'node', ...command.args].join(' '));
    const dockerfile = readFileSync(`${root}docker/Dockerfile`, 'utf8');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1] ?? '[]';
    expect(JSON.parse(cmd)).toEqual(['node', ...command.args]);
    for (const variable of envPrefix) expect(dockerfile).toContain(`ENV ${variable}`);
    expect(readFileSync(`${root}scripts/start.ts`, 'utf8')).toContain('serviceCommand()');
  });
});
