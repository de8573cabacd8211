import type { Figure, ScenarioReport } from './scenario.ts';

const cell = (figure: Figure): string =>
  `${typeof figure.value === 'number' ? figure.value.toLocaleString('en-US') : figure.value}${figure.unit === undefined ? '' : ` ${figure.unit}`}`;

/** One Markdown table per scenario, then its notes. */
export const renderReports = (reports: readonly ScenarioReport[]): string =>
  reports
    .map((report) => {
      const rows = report.figures.map(
        (figure) =>
          `| ${figure.name} | ${cell(figure)} | ${figure.must ?? '—'} | ${figure.ok ? 'yes' : '**NO**'} |`,
      );
      const notes = report.notes.map((note) => `- ${note}`);
      return [
        `### ${report.scenario}`,
        '',
        '| figure | value | must be | holds |',
        '| --- | ---: | --- | --- |',
        ...rows,
        ...(notes.length > 0 ? ['', ...notes] : []),
      ].join('\n');
    })
    .join('\n\n');
