/**
 * KafkaJS 2.2.4 schedules its request-queue check at `throttledUntil - Date.now()` with
 * `throttledUntil` still -1, a large negative delay that Node 24 reports as a TimeoutNegativeWarning
 * on every start. The patched KafkaJS (patches/) schedules no timer then.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('KafkaJS on Node 24', () => {
  it('connects, sends and disconnects without a TimeoutNegativeWarning', () => {
    const { kafkaBrokers } = inject('stack');
    const script = `
      import { Kafka, logLevel, Partitioners } from 'kafkajs';
      const kafka = new Kafka({ clientId: 'warning-check', brokers: ${JSON.stringify(kafkaBrokers)}, logLevel: logLevel.NOTHING });
      const admin = kafka.admin();
      await admin.connect();
      await admin.listTopics();
      await admin.disconnect();
      const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      await producer.disconnect();
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: packageDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status).toBe(0);
    expect(run.stderr).not.toContain('TimeoutNegativeWarning');
  });
});
