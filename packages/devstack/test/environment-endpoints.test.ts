import { describe, expect, it } from 'vitest';
import { readEnvironmentEndpoints } from '../src/environment-endpoints.ts';

describe('readEnvironmentEndpoints', () => {
  it('takes both variables as they are', () => {
    expect(
      readEnvironmentEndpoints({
        KAFKA_BROKERS: 'a:9092, b:9093',
        MONGODB_URI: 'mongodb://db:27017/?replicaSet=rs0',
      }),
    ).toEqual({
      ok: true,
      endpoints: { kafkaBrokers: ['a:9092', 'b:9093'], mongodbUri: 'mongodb://db:27017/?replicaSet=rs0' },
    });
  });

  it('gives only what is set, treating an empty variable as unset', () => {
    expect(
      readEnvironmentEndpoints({ KAFKA_BROKERS: '', MONGODB_URI: 'mongodb+srv://cluster.example' }),
    ).toEqual({
      ok: true,
      endpoints: { mongodbUri: 'mongodb+srv://cluster.example' },
    });
    expect(readEnvironmentEndpoints({})).toEqual({ ok: true, endpoints: {} });
  });

  it('refuses a broker list that is not host:port', () => {
    const read = readEnvironmentEndpoints({ KAFKA_BROKERS: 'localhost' });
    expect(read.ok).toBe(false);
    expect(read).toMatchObject({ error: expect.stringContaining('KAFKA_BROKERS') });
    expect(readEnvironmentEndpoints({ KAFKA_BROKERS: 'host:99999' }).ok).toBe(false);
  });

  it('accepts bracketed IPv6 brokers', () => {
    expect(readEnvironmentEndpoints({ KAFKA_BROKERS: '[::1]:9092' })).toEqual({
      ok: true,
      endpoints: { kafkaBrokers: ['[::1]:9092'] },
    });
  });

  it('refuses a MongoDB URI with another scheme', () => {
    expect(readEnvironmentEndpoints({ MONGODB_URI: 'http://localhost:27017' })).toMatchObject({
      ok: false,
      error: expect.stringContaining('MONGODB_URI'),
    });
  });
});
