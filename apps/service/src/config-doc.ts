/**
 * The README's configuration table and `.env.example`, both generated from the schema so that
 * neither can drift from it. `pnpm config:doc` rewrites both; `--print` only prints the table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { EnvironmentSchema } from './config.ts';

interface Documented {
  readonly default?: unknown;
  readonly description?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly anyOf?: readonly { readonly const?: unknown }[];
  readonly secret?: boolean;
  readonly type?: string;
}

type Variable = { name: string; schema: Documented; required: boolean };

const variables = (): Variable[] => {
  const required = new Set<string>(EnvironmentSchema.required ?? []);
  return Object.entries(EnvironmentSchema.properties).map(([name, schema]) => ({
    name,
    schema: schema as Documented,
    required: required.has(name) && (schema as Documented).default === undefined,
  }));
};

/** The values a variable may take, in words: `1 – 1000`, `> 0`, `a, b or c`, `true or false`. */
export const limitsOf = (schema: Documented): string => {
  const choices = schema.anyOf?.map((member) => member.const).filter((value) => value !== undefined);
  if (choices !== undefined && choices.length > 0) return joinOr(choices.map(String));
  if (schema.type === 'boolean') return 'true or false';
  const low =
    schema.minimum !== undefined
      ? String(schema.minimum)
      : schema.exclusiveMinimum !== undefined
        ? `> ${schema.exclusiveMinimum}`
        : undefined;
  if (low !== undefined && schema.maximum !== undefined) return `${low} – ${schema.maximum}`;
  if (low !== undefined) return low.startsWith('>') ? low : `≥ ${low}`;
  if (schema.maximum !== undefined) return `≤ ${schema.maximum}`;
  return '';
};

const joinOr = (words: readonly string[]): string =>
  words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} or ${words.at(-1)}`;

export const configTable = (): string => {
  const rows = variables().map(({ name, schema, required }) => {
    const shown = required
      ? '**required**'
      : schema.default === undefined
        ? ''
        : `\`${String(schema.default)}\``;
    const limits = limitsOf(schema);
    return [`\`${name}\``, shown, limits, schema.description ?? ''].map((cell) =>
      cell.replaceAll('|', '\\|'),
    );
  });
  return padded([['variable', 'default', 'limits', 'meaning'], ...rows]);
};

/** Cells padded to their column's width, as `pnpm format` (Biome) lays out a Markdown table. */
const padded = (rows: readonly (readonly string[])[]): string => {
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(3, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [head = [], ...body] = rows;
  return [line(head), line(widths.map((width) => '-'.repeat(width))), ...body.map(line)].join('\n');
};

/**
 * Every variable with its meaning and limits: required ones to fill in, the others commented out at
 * their defaults. Secrets are left empty: their values belong in the environment, not in a file.
 */
export const envExample = (): string => {
  const blocks = variables().map(({ name, schema, required }) => {
    const limits = limitsOf(schema);
    const notes = [
      schema.description ?? '',
      required ? 'Required.' : '',
      limits === '' ? '' : `Limits: ${limits}.`,
    ].filter((note) => note !== '');
    const value = schema.secret === true || schema.default === undefined ? '' : String(schema.default);
    return `# ${notes.join(' ')}\n${required ? '' : '# '}${name}=${value}`;
  });
  return [
    '# Every variable cancel-sync reads, generated from apps/service/src/config.ts by `./pnpm config:doc`',
    '# (a test fails when this file and the schema differ). Uncommented: required. Commented: the default.',
    '',
    blocks.join('\n\n'),
    '',
  ].join('\n');
};

const START = '<!-- config-table:start -->';
const END = '<!-- config-table:end -->';

/** The README with its table replaced by the generated one. */
export const withTable = (readme: string): string => {
  const start = readme.indexOf(START);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`the README has no ${START} … ${END} section`);
  return `${readme.slice(0, start + START.length)}\n${configTable()}\n${readme.slice(end)}`;
};

if (import.meta.main) {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      'usage: pnpm config:doc [--print]\n  Writes the configuration table of README.md and .env.example from the schema; --print prints the table.\n',
    );
  } else if (process.argv.includes('--print')) {
    process.stdout.write(`${configTable()}\n`);
  } else {
    const readme = new URL('../../../README.md', import.meta.url);
    const example = new URL('../../../.env.example', import.meta.url);
    writeFileSync(readme, withTable(readFileSync(readme, 'utf8')));
    writeFileSync(example, envExample());
    process.stdout.write('Wrote the configuration table of README.md and .env.example.\n');
  }
}
