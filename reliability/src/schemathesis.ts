/**
 * schemathesis (PyPI), installed by the suite itself: on first use a Python venv is made under
 * ~/.cache/cancel-sync/schemathesis-<version> with that pinned version and its dependencies pinned
 * by reliability/schemathesis-constraints.txt, as the devstack brings Kafka from Maven Central. A
 * lock file keeps parallel runs from building the same venv at once; the `installed` marker is
 * written last, so a half-made venv is made again.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMATHESIS_VERSION = '4.32.5';
/** Its dependencies, pinned too (`pip freeze` of a working install). */
const constraints = fileURLToPath(new URL('../schemathesis-constraints.txt', import.meta.url));

const home = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cancel-sync');
const venv = join(home, `schemathesis-${SCHEMATHESIS_VERSION}`);
const marker = join(venv, 'installed');
const lock = `${venv}.lock`;
/** A lock older than this belongs to a run that died while installing. */
const STALE_LOCK_MS = 10 * 60_000;

const run = (command: string, args: readonly string[]) =>
  new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });

const takeLock = async (): Promise<() => void> => {
  mkdirSync(home, { recursive: true });
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx'));
      writeFileSync(lock, String(process.pid));
      return () => rmSync(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const age = Date.now() - (statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_LOCK_MS) rmSync(lock, { force: true });
      else await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
};

/** The path of the `st` executable, installing it first if needed. */
export const ensureSchemathesis = async (log: (line: string) => void = () => undefined): Promise<string> => {
  const st = join(venv, 'bin', 'st');
  if (existsSync(marker)) return st;
  const release = await takeLock();
  try {
    if (existsSync(marker)) return st;
    log(`installing schemathesis ${SCHEMATHESIS_VERSION} into ${venv} (once)`);
    rmSync(venv, { recursive: true, force: true });
    const python = process.env.PYTHON ?? 'python3';
    const made = await run(python, ['-m', 'venv', venv]).catch((error: Error) => ({
      code: -1,
      output: error.message,
    }));
    if (made.code !== 0) {
      throw new Error(`schemathesis needs Python 3.9+ with venv (${python} -m venv): ${made.output}`);
    }
    const pip = await run(join(venv, 'bin', 'pip'), [
      'install',
      '--disable-pip-version-check',
      '--quiet',
      '--constraint',
      constraints,
      `schemathesis==${SCHEMATHESIS_VERSION}`,
    ]);
    if (pip.code !== 0) throw new Error(`pip could not install schemathesis: ${pip.output.slice(-2000)}`);
    writeFileSync(marker, `${SCHEMATHESIS_VERSION}\n`);
    return st;
  } finally {
    release();
  }
};

export interface FuzzRun {
  /** What was fuzzed, e.g. "uniware port, seller token". */
  readonly label: string;
  readonly openapiUrl: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly maxExamples: number;
  readonly seed: number;
  readonly reportDir: string;
  /** Operations left out, as schemathesis' --exclude-path-regex. */
  readonly excludePathRegex?: string;
}

export interface FuzzResult {
  readonly label: string;
  /** Test cases schemathesis generated and ran. */
  readonly cases: number;
  /** Requests it sent (a case can send more than one: probes, undeclared methods). */
  readonly requests: number;
  /** Answers with a 5xx status. */
  readonly serverErrors: number;
  /** Answers by status code, e.g. {"200": 12, "401": 40}. */
  readonly statuses: Readonly<Record<string, number>>;
  /** Each distinct failure: its code, title and the operations it was seen on. */
  readonly failures: readonly string[];
  readonly exitCode: number | null;
  /** The end of schemathesis' own output, for a failure to show. */
  readonly tail: string;
}

/**
 * The checks run on every answer: no 5xx, and status, content type and body as documented.
 * Left out: negative_data_rejection and positive_data_acceptance (they expect 400 where the API
 * answers a documented 414 for an over-long path, or 422 for a reused Idempotency-Key with a new
 * body), unsupported_method (Fastify answers an unknown method such as QUERY 400, not 405), and the
 * stateful checks (use_after_free and the like: the API has no create/delete pairs).
 */
export const CHECKS = [
  'not_a_server_error',
  'status_code_conformance',
  'content_type_conformance',
  'response_schema_conformance',
] as const;

interface JsonReport {
  readonly test_cases: { readonly generated: number };
  readonly failures: readonly { code: string; title: string; count: number; operations: string[] }[];
  readonly errors: readonly unknown[];
}
interface HarFile {
  readonly log: { readonly entries: readonly { response: { status: number } }[] };
}

const reportFile = (dir: string, kind: string): string | undefined => {
  const name = readdirSync(dir).find((file) => file.startsWith(`${kind}-`) && file.endsWith('.json'));
  return name === undefined ? undefined : join(dir, name);
};

export const runSchemathesis = async (st: string, fuzz: FuzzRun): Promise<FuzzResult> => {
  rmSync(fuzz.reportDir, { recursive: true, force: true });
  mkdirSync(fuzz.reportDir, { recursive: true });
  const args = [
    'run',
    fuzz.openapiUrl,
    '--checks',
    CHECKS.join(','),
    '--max-examples',
    String(fuzz.maxExamples),
    '--seed',
    String(fuzz.seed),
    // One at a time: the password checks are bounded on purpose (AUTH_MAX_CONCURRENT_CHECKS) and
    // shed with 503 BUSY beyond it, which is load shedding, not the defect this looks for.
    '--workers',
    '1',
    '--continue-on-failure',
    '--no-shrink',
    '--generation-database',
    'none',
    '--suppress-health-check',
    'all',
    '--request-timeout',
    '10',
    '--report',
    'json,har',
    '--report-dir',
    fuzz.reportDir,
    '--no-color',
    '--warnings',
    'off',
    ...(fuzz.excludePathRegex === undefined ? [] : ['--exclude-path-regex', fuzz.excludePathRegex]),
    ...Object.entries(fuzz.headers ?? {}).flatMap(([name, value]) => ['--header', `${name}: ${value}`]),
  ];
  const { code, output } = await run(st, args);
  const jsonFile = reportFile(fuzz.reportDir, 'json');
  const harFile = reportFile(fuzz.reportDir, 'har');
  if (jsonFile === undefined || harFile === undefined) {
    throw new Error(`schemathesis wrote no report (exit ${code}):\n${output.slice(-4000)}`);
  }
  const report = JSON.parse(readFileSync(jsonFile, 'utf8')) as JsonReport;
  const entries = (JSON.parse(readFileSync(harFile, 'utf8')) as HarFile).log.entries;
  const statuses: Record<string, number> = {};
  for (const { response } of entries) statuses[response.status] = (statuses[response.status] ?? 0) + 1;
  return {
    label: fuzz.label,
    cases: report.test_cases.generated,
    requests: entries.length,
    serverErrors: entries.filter((entry) => entry.response.status >= 500).length,
    statuses,
    failures: [
      ...report.failures.map(
        (failure) => `${failure.code} ${failure.title} ×${failure.count}: ${failure.operations.join(', ')}`,
      ),
      ...report.errors.map((error) => `error: ${JSON.stringify(error).slice(0, 300)}`),
    ],
    exitCode: code,
    tail: output.slice(-4000),
  };
};
