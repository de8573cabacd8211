/** Reads `.env.stack`, written by `pnpm stack up`, into a plain object; empty when there is none. */
import { readFileSync } from 'node:fs';

export const readEnvStack = (): Record<string, string> => {
  try {
    const text = readFileSync(new URL('../.env.stack', import.meta.url), 'utf8');
    return Object.fromEntries(
      text
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#') && line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
  } catch {
    return {};
  }
};
