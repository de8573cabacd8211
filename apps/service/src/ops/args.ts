/** Parsing of the operator CLI's arguments: bad input is a `UsageError`, printed without a stack. */
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type OptionSpec = Record<string, { readonly type: 'string' | 'boolean'; readonly help: string }>;

export interface Parsed {
  readonly positionals: readonly string[];
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
}

/** Common to every command. */
export const COMMON: OptionSpec = {
  json: { type: 'boolean', help: 'print JSON instead of text' },
  help: { type: 'boolean', help: 'show this help' },
};

export const parse = (args: readonly string[], spec: OptionSpec): Parsed => {
  try {
    const { positionals, values } = parseArgs({
      args: [...args],
      allowPositionals: true,
      strict: true,
      options: Object.fromEntries(
        Object.entries({ ...spec, ...COMMON }).map(([name, { type }]) => [
          name,
          name === 'help' ? { type, short: 'h' } : { type },
        ]),
      ),
    });
    return { positionals, values };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
};

export const text = (parsed: Parsed, name: string): string | undefined => {
  const value = parsed.values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} needs a value`);
  return value.trim();
};

export const required = (parsed: Parsed, name: string): string =>
  text(parsed, name) ?? fail(`--${name} is required`);

export const flag = (parsed: Parsed, name: string): boolean => parsed.values[name] === true;

export const fail = (message: string): never => {
  throw new UsageError(message);
};

export const wholeNumber = (parsed: Parsed, name: string, fallback: number, max = 10_000): number => {
  const value = text(parsed, name);
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < 1 || number > max) {
    throw new UsageError(`--${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}`);
  }
  return number;
};

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `30m`, `12h`, `7d` ... as milliseconds. */
export const duration = (value: string, name: string): number => {
  const match = /^(\d+)([smhd])$/.exec(value);
  if (match === null) throw new UsageError(`--${name} must be a duration like 90s, 30m, 12h or 7d`);
  return Number(match[1]) * (UNITS[match[2] ?? 's'] ?? 1000);
};

/** `--since` is a date (ISO 8601) or an age (`2h`: stored in the last two hours). */
export const since = (parsed: Parsed, now: Date): Date | undefined => {
  const value = text(parsed, 'since');
  if (value === undefined) return undefined;
  if (/^\d+[smhd]$/.test(value)) return new Date(now.getTime() - duration(value, 'since'));
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new UsageError('--since must be an ISO date (2026-01-31T12:00:00Z) or an age like 2h or 7d');
  }
  return date;
};

/** `--older-than 1d`: stored before a day ago. */
export const olderThan = (parsed: Parsed, now: Date): Date | undefined => {
  const value = text(parsed, 'older-than');
  return value === undefined ? undefined : new Date(now.getTime() - duration(value, 'older-than'));
};

export const oneOf = <T extends string>(
  parsed: Parsed,
  name: string,
  known: readonly T[],
): readonly T[] | undefined => {
  const value = text(parsed, name);
  if (value === undefined) return undefined;
  const chosen = value.split(',').map((entry) => entry.trim());
  const unknown = chosen.filter((entry) => !(known as readonly string[]).includes(entry));
  if (unknown.length > 0) {
    throw new UsageError(`--${name}: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  }
  return chosen as T[];
};

export const onePositional = (parsed: Parsed, what: string): string => {
  const [value, ...more] = parsed.positionals;
  if (value === undefined) throw new UsageError(`which ${what}? give its id`);
  if (more.length > 0) throw new UsageError(`one ${what} at a time; unexpected ${more.join(' ')}`);
  return value;
};

export const noPositional = (parsed: Parsed): void => {
  if (parsed.positionals.length > 0)
    throw new UsageError(`unexpected argument ${parsed.positionals.join(' ')}`);
};
