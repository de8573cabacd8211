/** The configuration table of the README, generated from the schema so the two cannot drift. */
import { EnvironmentSchema } from './config.ts';

interface Documented {
  readonly default?: unknown;
  readonly description?: string;
  readonly type?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly minLength?: number;
  readonly anyOf?: readonly { readonly const?: unknown }[];
}

const number = (value: number): string => value.toLocaleString('en-US');

/** What the schema accepts, in a few words. */
const limitsOf = (schema: Documented): string => {
  if (schema.anyOf !== undefined) return schema.anyOf.map((option) => String(option.const)).join(', ');
  if (schema.type === 'boolean') return 'true, false';
  if (schema.type === 'integer' || schema.type === 'number') {
    if (schema.minimum !== undefined && schema.maximum !== undefined) {
      return `${number(schema.minimum)}–${number(schema.maximum)}`;
    }
    if (schema.exclusiveMinimum !== undefined) return `> ${number(schema.exclusiveMinimum)}`;
    if (schema.minimum !== undefined) return `≥ ${number(schema.minimum)}`;
  }
  if (schema.type === 'string' && schema.minLength !== undefined) return 'non-empty';
  return '';
};

export const configTable = (): string => {
  const required = new Set<string>(EnvironmentSchema.required ?? []);
  const rows = Object.entries(EnvironmentSchema.properties).map(([name, property]) => {
    const schema = property as Documented;
    const { default: fallback, description = '' } = schema;
    const shown =
      required.has(name) && fallback === undefined
        ? '**required**'
        : fallback === undefined
          ? ''
          : `\`${String(fallback)}\``;
    return `| \`${name}\` | ${shown} | ${limitsOf(schema)} | ${description.replaceAll('|', '\\|')} |`;
  });
  return ['| variable | default | limits | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
};

if (import.meta.main) process.stdout.write(`${configTable()}\n`);
