import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi } from './harness.ts';

interface Operation {
  responses: Record<string, unknown>;
  security?: unknown;
  parameters?: { name: string; in: string }[];
  requestBody?: unknown;
}
interface OpenApiDocument {
  openapi: string;
  info: { title: string };
  components: { securitySchemes: Record<string, unknown> };
  paths: Record<string, Record<string, Operation>>;
}

const codes = (operation: Operation | undefined) => Object.keys(operation?.responses ?? {}).sort();

describe('the OpenAPI document at /openapi.json', () => {
  let document: OpenApiDocument;

  beforeAll(async () => {
    const { app } = await buildTestApi();
    const response = await app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    document = response.json<OpenApiDocument>();
  });

  it('is OpenAPI 3 titled cancel-sync, with the apiKey header scheme', () => {
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('cancel-sync');
    expect(document.components.securitySchemes).toEqual({
      apiKey: { type: 'apiKey', in: 'header', name: 'apiKey' },
    });
  });

  it('describes POST /orders/cancel with every answer it gives, behind the apiKey', () => {
    const operation = document.paths['/orders/cancel']?.post;
    expect(codes(operation)).toEqual(['200', '400', '401', '413', '415', '422', '500', '503']);
    expect(operation?.security).toEqual([{ apiKey: [] }]);
    expect(operation?.requestBody).toBeDefined();
    expect(operation?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`)).toEqual([
      'header:idempotency-key',
    ]);
  });

  it('describes both forms of /authToken, without a security requirement', () => {
    const get = document.paths['/authToken']?.get;
    const post = document.paths['/authToken']?.post;
    expect(codes(get)).toEqual(['200', '400', '401', '429', '500', '503']);
    expect(codes(post)).toEqual(['200', '400', '401', '413', '415', '429', '500', '503']);
    expect(get?.parameters?.map((parameter) => `${parameter.in}:${parameter.name}`).sort()).toEqual([
      'query:password',
      'query:username',
    ]);
    expect(get?.security).toBeUndefined();
  });

  it('describes the history and the probes', () => {
    expect(codes(document.paths['/orders/{orderId}/cancellations']?.get)).toEqual([
      '200',
      '400',
      '401',
      '414',
      '500',
      '503',
    ]);
    expect(Object.keys(document.paths).sort()).toEqual([
      '/authToken',
      '/healthz',
      '/orders/cancel',
      '/orders/{orderId}/cancellations',
      '/readyz',
    ]);
  });
});

describe('Swagger UI', () => {
  it('answers at /docs', async () => {
    const { app } = await buildTestApi();

    const response = await app.inject({ url: '/docs' });

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
  });
});
