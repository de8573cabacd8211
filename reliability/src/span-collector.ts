/**
 * A stand-in for Zipkin's collector: keeps every body the service's Zipkin exporter posts, as text,
 * so a test can grep the exported spans. (The real Zipkin server, `startZipkin` of the devstack,
 * needs a 90 MB jar and half a minute; the exporter cannot tell the difference.)
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SpanCollector {
  /** For OTEL_EXPORTER_ZIPKIN_ENDPOINT. */
  readonly endpoint: string;
  /** Every posted body, in order. */
  readonly bodies: string[];
  /** Spans received so far (each body is a JSON array of spans). */
  spanCount(): number;
  close(): Promise<void>;
}

export const startSpanCollector = async (): Promise<SpanCollector> => {
  const bodies: string[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString('utf8'));
      response.writeHead(202).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}/api/v2/spans`,
    bodies,
    spanCount: () =>
      bodies.reduce((sum, body) => {
        try {
          return sum + (JSON.parse(body) as unknown[]).length;
        } catch {
          return sum;
        }
      }, 0),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};
