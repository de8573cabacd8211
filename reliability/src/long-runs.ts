/**
 * The figures of long runs, one file a scenario (docs/reliability/<scenario>.json), so that running
 * one scenario again replaces its own figures and keeps the others'. docs/reliability.md is made
 * from all of them, each section with the command, date and machine of its run.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { renderReports } from './report.ts';
import type { ScenarioReport } from './scenario.ts';
import { scenarios } from './scenarios.ts';

export interface LongRun {
  readonly report: ScenarioReport;
  readonly command: string;
  readonly at: string;
  readonly machine: string;
}

const folder = new URL('../../docs/reliability/', import.meta.url);
const page = new URL('../../docs/reliability.md', import.meta.url);

export const saveLongRun = (run: LongRun): void => {
  mkdirSync(folder, { recursive: true });
  const name = scenarios.find((s) => s.title === run.report.scenario)?.name ?? run.report.scenario;
  writeFileSync(new URL(`${name}.json`, folder), `${JSON.stringify(run, null, 2)}\n`);
};

const readLongRuns = (): LongRun[] => {
  const files = readdirSync(folder).filter((file) => file.endsWith('.json'));
  const runs = files.map((file) => JSON.parse(readFileSync(new URL(file, folder), 'utf8')) as LongRun);
  const order = (run: LongRun) => {
    const at = scenarios.findIndex((s) => s.title === run.report.scenario);
    return at < 0 ? scenarios.length : at;
  };
  return runs.sort((a, b) => order(a) - order(b));
};

export const writeLongRunPage = (): void => {
  const sections = readLongRuns().map(
    (run) => `${renderReports([run.report])}\n\nRun: \`${run.command}\`, ${run.at}; ${run.machine}.`,
  );
  const intro = [
    '# Reliability: figures of the long runs',
    '',
    'Made by `pnpm reliability --long` (all scenarios) or `--long --only NAME` (one, replacing its',
    "section). The quick sizes of the same scenarios run inside the README's test command and must",
    'hold every requirement below; a figure without a requirement is only reported.',
  ].join('\n');
  writeFileSync(page, `${intro}\n\n${sections.join('\n\n')}\n`);
};
