import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createKafkaClient } from '@cancel-sync/adapter-kafka';
import { describe, expect, inject, it } from 'vitest';
import { EnvironmentSchema, loadConfig } from '../src/config.ts';

const required = {
  MONGODB_URI: 'mongodb://localhost:27017',
  KAFKA_BROKERS: 'localhost:9092',
  UC_BASE_URL: 'https://genericproxy.unicommerce.com',
  UC_CLIENT_ID: 'client',
  UC_SECURITY_KEY: 'secret',
};

const problemsOf = (source: Record<string, string>): string => {
  try {
    loadConfig(source);
  } catch (error) {
    return String(error);
  }
  return '(accepted)';
};

const serviceDir = fileURLToPath(new URL('..', import.meta.url));

describe('a bad configuration', () => {
  it('names every bad variable, those the schema refuses and those a cross-check refuses, and exits non-zero', async () => {
    const secret = 'hunter2-do-not-print';
    const run = promisify(execFile)(process.execPath, ['src/main.ts'], {
      cwd: serviceDir,
      env: {
        PATH: process.env.PATH ?? '',
        ...required,
        HTTP_PORT: 'eighty',
        LOG_LEVEL: 'loud',
        UC_CONNECTIONS: '4',
        UC_MAX_CONCURRENCY: '16',
        AUTH_CIRCUIT_PAUSE_MS: '60000',
        AUTH_CIRCUIT_MAX_PAUSE_MS: '1000',
        DELIVERY_BASE_DELAY_MS: '90000',
        DELIVERY_MAX_DELAY_MS: '1000',
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_PASSWORD: secret,
        KAFKA_SSL: 'sometimes',
      },
      timeout: 60_000,
    });
    const failure = (await run.then(
      () => ({ code: 0, stderr: '' }),
      (error: { code?: number; stderr?: string }) => error,
    )) as { code?: number; stderr?: string };
    expect(failure.code).toBe(78);
    const stderr = failure.stderr ?? '';
    for (const name of [
      'HTTP_PORT',
      'LOG_LEVEL',
      'UC_MAX_CONCURRENCY',
      'UC_CONNECTIONS',
      'AUTH_CIRCUIT_MAX_PAUSE_MS',
      'AUTH_CIRCUIT_PAUSE_MS',
      'DELIVERY_BASE_DELAY_MS',
      'DELIVERY_MAX_DELAY_MS',
      'KAFKA_SASL_USERNAME',
      'KAFKA_SSL',
    ]) {
      expect(stderr, name).toContain(name);
    }
    expect(stderr).not.toContain(secret);
  });

  it.each([
    [{ UC_CONNECTIONS: '4', UC_MAX_CONCURRENCY: '5' }, ['UC_MAX_CONCURRENCY', 'UC_CONNECTIONS']],
    [
      { AUTH_CIRCUIT_PAUSE_MS: '60000', AUTH_CIRCUIT_MAX_PAUSE_MS: '59999' },
      ['AUTH_CIRCUIT_MAX_PAUSE_MS', 'AUTH_CIRCUIT_PAUSE_MS'],
    ],
    [
      { DELIVERY_BASE_DELAY_MS: '2000', DELIVERY_MAX_DELAY_MS: '1999' },
      ['DELIVERY_BASE_DELAY_MS', 'DELIVERY_MAX_DELAY_MS'],
    ],
    [
      { DELIVERY_LEASE_MS: '5000', DELIVERY_LEASE_RENEW_MS: '3000' },
      ['DELIVERY_LEASE_RENEW_MS', 'DELIVERY_LEASE_MS'],
    ],
    [
      { KAFKA_SASL_MECHANISM: 'plain' },
      ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'],
    ],
    [
      { KAFKA_SASL_USERNAME: 'svc', KAFKA_SASL_PASSWORD: 'pw' },
      ['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME'],
    ],
  ])('refuses %j, naming %j', (bad, names) => {
    const problems = problemsOf({ ...required, ...bad });
    const line = problems.split('\n').find((text) => names.every((name) => text.includes(name)));
    expect(line, problems).toBeDefined();
  });

  it('accepts the limits themselves', () => {
    expect(() =>
      loadConfig({
        ...required,
        UC_CONNECTIONS: '8',
        UC_MAX_CONCURRENCY: '8',
        AUTH_CIRCUIT_PAUSE_MS: '1000',
        AUTH_CIRCUIT_MAX_PAUSE_MS: '1000',
        DELIVERY_BASE_DELAY_MS: '1000',
        DELIVERY_MAX_DELAY_MS: '1000',
      }),
    ).not.toThrow();
  });

  it('refuses an unknown SASL mechanism, listing the known ones', () => {
    const problems = problemsOf({
      ...required,
      KAFKA_SASL_MECHANISM: 'gssapi',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'pw',
    });
    expect(problems).toContain('KAFKA_SASL_MECHANISM');
    expect(problems).toContain('scram-sha-512');
  });
});

describe('Kafka TLS and SASL', () => {
  it('are off unless asked for', () => {
    expect(loadConfig(required).kafka).toMatchObject({ ssl: false, sasl: undefined });
  });

  it('reach the KafkaJS client: a SASL client is refused by the plaintext test broker that a plain client reaches', async () => {
    const { kafkaBrokers } = inject('stack');
    const plain = loadConfig({ ...required, KAFKA_BROKERS: kafkaBrokers.join(',') });
    const sasl = loadConfig({
      ...required,
      KAFKA_BROKERS: kafkaBrokers.join(','),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'svc',
      KAFKA_SASL_PASSWORD: 'pw',
    });
    expect(sasl.kafka).toMatchObject({
      ssl: false,
      sasl: { mechanism: 'scram-sha-512', username: 'svc', password: 'pw' },
    });
    const admin = (config: typeof plain) =>
      createKafkaClient({ ...config.kafka, logLevel: 'nothing', retry: { retries: 0 } }).admin();

    const reachable = admin(plain);
    await reachable.connect();
    await reachable.disconnect();
    const refused = admin(sasl);
    await expect(refused.connect()).rejects.toThrow(/SASL/i);
    await refused.disconnect();
  });
});

describe('the documentation of the configuration', () => {
  const readmeRows = (): Map<string, string> => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    const table =
      /<!-- config-table:start -->\n([\s\S]*?)\n<!-- config-table:end -->/.exec(readme)?.[1] ?? '';
    return new Map(
      table
        .split('\n')
        .map((row) => /^\|\s*`([A-Z0-9_]+)`\s*\|(.*)$/.exec(row))
        .filter((match) => match !== null)
        .map((match) => [match[1] ?? '', match[2] ?? '']),
    );
  };

  it("shows every variable's limits in the README table", () => {
    const rows = readmeRows();
    for (const [name, schema] of Object.entries(EnvironmentSchema.properties)) {
      const row = rows.get(name);
      expect(row, name).toBeDefined();
      const limits = schema as { minimum?: number; maximum?: number; anyOf?: { const: string }[] };
      for (const bound of [limits.minimum, limits.maximum])
        if (bound !== undefined) expect(row, name).toContain(String(bound));
      for (const member of limits.anyOf ?? []) expect(row, name).toContain(member.const);
    }
  });

  it('has a .env.example with every variable, generated from the schema', async () => {
    const example = readFileSync(new URL('../../../.env.example', import.meta.url), 'utf8');
    for (const name of Object.keys(EnvironmentSchema.properties))
      expect(example).toMatch(new RegExp(`^#? ?${name}=`, 'm'));
    const { envExample } = await import('../src/config-doc.ts');
    expect(example).toBe(envExample());
  });
});
