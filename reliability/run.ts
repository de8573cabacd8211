/**
 * `pnpm reliability [--long] [--only a,b]`: runs the reliability scenarios against the real stack and
 * prints a table of figures. The quick size (the default) is the one the README's test command runs
 * through `reliability/test`; `--long` runs the full sizes, keeps each scenario's figures in
 * docs/reliability/<scenario>.json and writes docs/reliability.md from all of them.
 * Exits 1 when a figure misses its requirement.
 */
import { cpus, loadavg } from 'node:os';
import { type Stack, startStack } from '@cancel-sync/devstack';
import { saveLongRun, writeLongRunPage } from './src/long-runs.ts';
import { renderReports } from './src/report.ts';
import { missed, type ScenarioReport, type Size } from './src/scenario.ts';
import { scenarios } from './src/scenarios.ts';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  process.stdout.write(
    `usage: pnpm reliability [--long] [--only NAME,NAME]\n  Scenarios: ${scenarios.map((s) => s.name).join(', ')}.\n  --long runs the full sizes and writes docs/reliability.md.\n`,
  );
  process.exit(0);
}
const size: Size = args.includes('--long') ? 'long' : 'quick';
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? (args[onlyAt + 1] ?? '').split(',').filter((name) => name !== '') : [];
const unknown = only.filter((name) => !scenarios.some((s) => s.name === name));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown scenario ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}\n`,
  );
  process.exit(2);
}
const chosen = only.length === 0 ? scenarios : scenarios.filter((s) => only.includes(s.name));

let shared: Promise<Stack> | undefined;
const sharedStack = () => {
  shared ??= startStack();
  return shared;
};

const started = Date.now();
const reports: ScenarioReport[] = [];
try {
  for (const scenario of chosen) {
    process.stdout.write(`\n== ${scenario.title} (${size})\n`);
    const scenarioStarted = Date.now();
    reports.push(
      await scenario.run({ size, sharedStack, log: (line) => process.stdout.write(`   ${line}\n`) }),
    );
    process.stdout.write(`   done in ${Math.round((Date.now() - scenarioStarted) / 1000)} s\n`);
  }
} finally {
  if (shared !== undefined) await (await shared).stop();
}

process.stdout.write(`\n${renderReports(reports)}\n`);
if (size === 'long') {
  const command = `pnpm reliability --long${only.length > 0 ? ` --only ${only.join(',')}` : ''}`;
  const machine = `${cpus().length} cores, load average at the end ${loadavg()[0]?.toFixed(2)}`;
  for (const report of reports)
    saveLongRun({ report, command, at: new Date(started).toISOString(), machine });
  writeLongRunPage();
  process.stdout.write('\nwrote docs/reliability.md\n');
}
const failures = reports.flatMap((report) => missed(report).map((f) => `${report.scenario}: ${f.name}`));
if (failures.length > 0) {
  process.stderr.write(`\nmissed: ${failures.join('; ')}\n`);
  process.exit(1);
}
