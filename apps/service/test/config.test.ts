import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { configTable } from '../src/config-doc.ts';

const required = {
  MONGODB_URI: 'mongodb://localhost:27017',
  KAFKA_BROKERS: 'localhost:9092',
  UC_BASE_URL: 'https://genericproxy.unicommerce.com',
  UC_CLIENT_ID: 'client',
  UC_SECURITY_KEY: 'secret',
};

describe('configuration', () => {
  it('fills the defaults and derives the roles and brokers', () => {
    const config = loadConfig({ ...required, KAFKA_BROKERS: 'a:9092, b:9093' });
    expect(config.env.HTTP_PORT).toBe(8080);
    expect(config.env.DUPLICATE_WINDOW_SECONDS).toBe(600);
    expect(config.kafkaBrokers).toEqual(['a:9092', 'b:9093']);
    expect([...config.roles]).toEqual(['http', 'consumer', 'dispatcher', 'relay']);
  });

  it('converts numbers and flags from their text', () => {
    const config = loadConfig({
      ...required,
      HTTP_PORT: '9000',
      KAFKA_CREATE_TOPICS: 'false',
      SERVICE_ROLES: 'http',
    });
    expect(config.env.HTTP_PORT).toBe(9000);
    expect(config.env.KAFKA_CREATE_TOPICS).toBe(false);
    expect([...config.roles]).toEqual(['http']);
  });

  it('names every missing required variable', () => {
    const error = (() => {
      try {
        loadConfig({});
      } catch (caught) {
        return caught;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    for (const name of Object.keys(required)) expect(String(error)).toContain(name);
  });

  it.each([
    [{ HTTP_PORT: 'eighty' }, 'HTTP_PORT'],
    [{ HTTP_PORT: '70000' }, 'HTTP_PORT'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ SERVICE_ROLES: 'http,cron' }, 'SERVICE_ROLES: unknown role(s) cron'],
    [{ UC_BASE_URL: 'ftp://example.com' }, 'UC_BASE_URL'],
    [{ KAFKA_BROKERS: 'no-port' }, 'KAFKA_BROKERS'],
    [{ DELIVERY_LEASE_MS: '5000', UC_RESPONSE_TIMEOUT_MS: '10000' }, 'DELIVERY_LEASE_MS'],
  ])('refuses %j, naming %s', (bad, name) => {
    expect(() => loadConfig({ ...required, ...bad })).toThrow(name);
  });

  /** A Markdown table as rows of trimmed cells, whatever padding a formatter gave it. */
  const cells = (table: string | undefined) =>
    (table ?? '')
      .trim()
      .split('\n')
      .map((row) => row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/^-+$/, '---')));

  it('shows the limits of every variable that has them', () => {
    const rows = configTable().split('\n');
    expect(rows[0]).toBe('| variable | default | limits | meaning |');
    expect(rows.find((row) => row.startsWith('| `HTTP_PORT` |'))).toContain('| 0–65,535 |');
    expect(rows.find((row) => row.startsWith('| `UC_REQUESTS_PER_SECOND` |'))).toContain('| > 0 |');
    expect(rows.find((row) => row.startsWith('| `LOG_LEVEL` |'))).toContain('fatal, error, warn');
  });

  it('is documented in the README exactly as the schema says', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const documented = /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme)?.[1];
    expect(cells(documented)).toEqual(cells(configTable()));
  });
});
