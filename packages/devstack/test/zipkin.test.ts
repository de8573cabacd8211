import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveZipkinClasspath } from '../src/embedded/embedded-stack.ts';
import { startEmbeddedZipkin } from '../src/embedded/zipkin-server.ts';

/** The trace viewer `pnpm stack up --zipkin` runs: Zipkin's own server, fed through its HTTP API. */
describe('the embedded Zipkin', () => {
  it('keeps a span POSTed to /api/v2/spans and gives it back from /api/v2/traces', {
    timeout: 180_000,
  }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'devstack-zipkin-'));
    const zipkin = await startEmbeddedZipkin({
      dir,
      marker: dir,
      keepData: false,
      classpath: await resolveZipkinClasspath(),
      outliveParent: false,
      deadline: Date.now() + 120_000,
      onSpawn: () => undefined,
    });
    try {
      const traceId = randomBytes(16).toString('hex');
      const span = {
        traceId,
        id: randomBytes(8).toString('hex'),
        name: 'cancel order',
        kind: 'SERVER',
        timestamp: Date.now() * 1000,
        duration: 1500,
        localEndpoint: { serviceName: 'devstack-zipkin-test' },
        tags: { 'order.id': 'SO-1001' },
      };
      const posted = await fetch(`${zipkin.url}/api/v2/spans`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify([span]),
      });
      expect(posted.status).toBe(202);

      // The collector stores asynchronously: the span shows up shortly after the 202.
      const query = new URLSearchParams({
        serviceName: 'devstack-zipkin-test',
        annotationQuery: 'order.id=SO-1001',
        lookback: '3600000',
      });
      await expect
        .poll(
          async () => {
            const answer = await fetch(`${zipkin.url}/api/v2/traces?${query}`);
            return (await answer.json()) as {
              traceId: string;
              name: string;
              tags: Record<string, string>;
            }[][];
          },
          { timeout: 10_000, interval: 200 },
        )
        .toEqual([
          [expect.objectContaining({ traceId, name: 'cancel order', tags: { 'order.id': 'SO-1001' } })],
        ]);
    } finally {
      await zipkin.java.stop(5_000);
      await rm(dir, { recursive: true, force: true });
    }
  });
});
