import { logLevel } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createKafkaClient, createProducer, type KafkaLog, type KafkaLogLevel } from '../src/index.ts';
import { kafkaLogCreator } from '../src/kafka-log.ts';

type Logged = { level: KafkaLogLevel; message: string; fields: Readonly<Record<string, unknown>> };
const recorder = (): { entries: Logged[]; log: KafkaLog } => {
  const entries: Logged[] = [];
  return { entries, log: (level, message, fields) => entries.push({ level, message, fields }) };
};

const entry = (level: logLevel, namespace: string, message: string, extra: Record<string, unknown> = {}) => ({
  namespace,
  level,
  label: 'x',
  log: { timestamp: '2025-06-01T12:00:00.000Z', message, ...extra },
});

describe('the KafkaJS log creator', () => {
  it('forwards level, message, namespace and fields, without KafkaJS timestamp', () => {
    const { entries, log } = recorder();
    const write = kafkaLogCreator(log, 'debug')();
    write(entry(logLevel.WARN, 'Consumer', 'Restarting', { groupId: 'g-1', retryCount: 2 }));
    write(entry(logLevel.DEBUG, 'Runner', 'fetching'));
    expect(entries).toEqual([
      {
        level: 'warn',
        message: 'Restarting',
        fields: { namespace: 'Consumer', groupId: 'g-1', retryCount: 2 },
      },
      { level: 'debug', message: 'fetching', fields: { namespace: 'Runner' } },
    ]);
  });

  it('turns protocol error responses into warnings and applies the threshold after that', () => {
    const { entries, log } = recorder();
    const write = kafkaLogCreator(log, 'error')();
    write(entry(logLevel.ERROR, 'Connection', 'Response Heartbeat(key: 12, version: 3)'));
    write(entry(logLevel.ERROR, 'Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded'));
    expect(entries.map(({ level, message }) => `${level} ${message}`)).toEqual([
      'error Crash: KafkaJSNumberOfRetriesExceeded',
    ]);
  });

  it('survives a sink that throws', () => {
    const write = kafkaLogCreator(() => {
      throw new Error('broken sink');
    }, 'warn')();
    expect(() => write(entry(logLevel.ERROR, 'Consumer', 'Crash'))).not.toThrow();
  });

  it('is what createKafkaClient installs, at WARN by default', async () => {
    const { entries, log } = recorder();
    const kafka = createKafkaClient({
      clientId: 'unreachable',
      brokers: ['127.0.0.1:1'],
      log,
      retry: { retries: 0 },
    });
    const admin = kafka.admin();
    await expect(admin.connect()).rejects.toThrow();
    expect(entries.length).toBeGreaterThan(0);
    expect(entries.every(({ level }) => level === 'error' || level === 'warn')).toBe(true);
    expect(entries.some(({ fields }) => fields.namespace === 'Connection')).toBe(true);
  });

  it('refuses an empty broker list', () => {
    expect(() => createKafkaClient({ clientId: 'x', brokers: [] })).toThrow('no Kafka brokers');
  });
});

describe('start-up', () => {
  it('creating the producer prints no warning: the partitioner is chosen, the bounded retries are known', () => {
    const { entries, log } = recorder();
    const kafka = createKafkaClient({ clientId: 'test', brokers: ['127.0.0.1:9'], log });

    createProducer(kafka);
    createProducer(kafka);

    expect(entries.filter((logged) => logged.level === 'warn' || logged.level === 'error')).toEqual([]);
  });
});
