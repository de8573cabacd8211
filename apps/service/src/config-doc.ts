/** The configuration table of the README, generated from the schema so the two cannot drift. */
import { EnvironmentSchema } from './config.ts';

interface Documented {
  readonly default?: unknown;
  readonly description?: string;
}

export const configTable = (): string => {
  const required = new Set<string>(EnvironmentSchema.required ?? []);
  const rows = Object.entries(EnvironmentSchema.properties).map(([name, schema]) => {
    const { default: fallback, description = '' } = schema as Documented;
    const shown =
      required.has(name) && fallback === undefined
        ? '**required**'
        : fallback === undefined
          ? ''
          : `\`${String(fallback)}\``;
    return `| \`${name}\` | ${shown} | ${description.replaceAll('|', '\\|')} |`;
  });
  return ['| variable | default | meaning |', '| --- | --- | --- |', ...rows].join('\n');
};

if (import.meta.main) process.stdout.write(`${configTable()}\n`);
