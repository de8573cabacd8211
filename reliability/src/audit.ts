/**
 * `pnpm audit` of the production dependencies and of all of them. A high or critical advisory
 * fails the figure unless it is explained below (why the vulnerable code is not reachable here).
 * When the registry's audit endpoint cannot be reached, the figure says so instead of a number.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type Figure, mustEqual, reported } from './scenario.ts';

/** Advisory id (GHSA or npm id) → why it does not matter to cancel-sync. None at present. */
const EXPLAINED: Readonly<Record<string, string>> = {};

const root = fileURLToPath(new URL('../../', import.meta.url));

interface AuditReport {
  readonly advisories?: Record<
    string,
    { severity: string; module_name: string; title: string; github_advisory_id?: string; url?: string }
  >;
}

const audit = (args: readonly string[]) =>
  new Promise<{ code: number | null; output: string }>((resolve) => {
    const child = spawn('./pnpm', ['audit', '--json', ...args], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.once('error', (error) => resolve({ code: -1, output: error.message }));
    child.once('exit', (code) => resolve({ code, output }));
  });

const judge = async (name: string, args: readonly string[], notes: string[]): Promise<Figure> => {
  const { output } = await audit(args);
  const json = output.slice(output.indexOf('{'));
  let report: AuditReport;
  try {
    report = JSON.parse(json) as AuditReport;
    if (report.advisories === undefined) throw new Error('no advisories field');
  } catch {
    const reason = /responded with (\d+)/.exec(output)?.[0] ?? output.trim().split('\n').slice(-3).join(' ');
    const code = /ERR_PNPM_[A-Z_]+/.exec(output)?.[0] ?? 'no JSON report';
    return reported(name, `not run: the registry's audit endpoint ${reason.slice(0, 120)} (${code})`);
  }
  const high = Object.values(report.advisories).filter(
    (a) => a.severity === 'high' || a.severity === 'critical',
  );
  const unexplained = high.filter((a) => EXPLAINED[a.github_advisory_id ?? ''] === undefined);
  for (const a of high) {
    notes.push(
      `${name}: ${a.severity} ${a.module_name}: ${a.title} (${a.url ?? ''})${EXPLAINED[a.github_advisory_id ?? ''] === undefined ? ' — unexplained' : ` — ${EXPLAINED[a.github_advisory_id ?? '']}`}`,
    );
  }
  return mustEqual(name, unexplained.length, 0);
};

export const runAudit = async (
  log: (line: string) => void,
): Promise<{ prod: Figure; all: Figure; notes: string[] }> => {
  const notes: string[] = [];
  const prod = await judge('pnpm audit --prod: unexplained high or critical advisories', ['--prod'], notes);
  const all = await judge('pnpm audit (all): unexplained high or critical advisories', [], notes);
  log(`audit: ${prod.value}; ${all.value}`);
  return { prod, all, notes };
};
