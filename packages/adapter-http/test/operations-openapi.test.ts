import { beforeAll, describe, expect, it } from 'vitest';
import { buildOperationsApi } from '../src/operations-api.ts';

interface Operation {
  responses: Record<string, { content?: Record<string, unknown> }>;
  security?: unknown;
  parameters?: { name: string; in: string }[];
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

const codes = (operation: Operation | undefined) => Object.keys(operation?.responses ?? {}).sort();

const buildOps = () =>
  buildOperationsApi({
    ready: async () => ({ ready: true, checks: { mongodb: 'ok' } }),
    metrics: async () => ({ contentType: 'text/plain; version=0.0.4', text: 'up 1\n' }),
    orderStory: async (orderId) => ({
      orderId,
      order: undefined,
      rememberedRequests: [],
      cancellationRecords: [],
      deliveryJobs: [],
      pendingAnnouncements: [],
      traceIds: [],
    }),
    operatorToken: 'operator-token-0123456789abcdef',
  });

describe('the OpenAPI document of the operations port', () => {
  let document: OpenApiDocument;

  beforeAll(async () => {
    const app = await buildOps();
    const response = await app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json<OpenApiDocument>();
  });

  it('is its own document, with the operator bearer scheme', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('cancel-sync operations');
    expect(document.components.securitySchemes).toEqual({
      operatorToken: { type: 'http', scheme: 'bearer' },
    });
  });

  it('lists the routes of this port only', () => {
    expect(Object.keys(document.paths).sort()).toEqual([
      '/healthz',
      '/metrics',
      '/ops/orders/{orderId}',
      '/readyz',
    ]);
  });

  it('puts the order story behind the operator token, with every answer it gives', () => {
    const operation = document.paths['/ops/orders/{orderId}']?.get;
    expect(operation?.security).toEqual([{ operatorToken: [] }]);
    expect(codes(operation)).toEqual(['200', '400', '401', '404', '414', '500', '503']);
    expect(operation?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['path:orderId']);
  });

  it('describes the metrics as text and the probes without a token', () => {
    expect(Object.keys(document.paths['/metrics']?.get?.responses['200']?.content ?? {})).toEqual([
      'text/plain',
    ]);
    expect(document.paths['/healthz']?.get?.security).toBeUndefined();
    expect(document.paths['/metrics']?.get?.security).toBeUndefined();
  });

  it('does not guard the document itself nor the probes, and still guards /ops/*', async () => {
    const app = await buildOps();
    expect((await app.inject({ url: '/metrics' })).body).toBe('up 1\n');
    expect((await app.inject({ url: '/ops/orders/SO-1' })).statusCode).toBe(401);
  });
});

describe('an order id beyond the path limit on the operations port', () => {
  it('is answered 414 in the error shape, as the document says (schemathesis found it undocumented)', async () => {
    const app = await buildOps();
    const document = (await app.inject({ url: '/openapi.json' })).json<OpenApiDocument>();

    const response = await app.inject({
      url: `/ops/orders/${'x'.repeat(300)}`,
      headers: { authorization: 'Bearer operator-token-0123456789abcdef' },
    });

    expect(codes(document.paths['/ops/orders/{orderId}']?.get)).toContain('414');
    expect(response.statusCode).toBe(414);
    expect(response.json()).toMatchObject({ status: 'FAILED', code: 'URI_TOO_LONG' });
    expect(response.headers['x-request-id']).toBeDefined();
  });
});
