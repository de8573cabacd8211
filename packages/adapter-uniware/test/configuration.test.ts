import { describe, expect, it } from 'vitest';
import { cancelEndpointOf, createUniwareHttpClient } from '../src/index.ts';
import { aClientConfig } from './support/mothers.ts';

describe('the cancel endpoint from a base URL', () => {
  it.each([
    ['https://genericproxy.unicommerce.com', 'https://genericproxy.unicommerce.com', '/uc/v1/order/cancel'],
    ['https://genericproxy.unicommerce.com/', 'https://genericproxy.unicommerce.com', '/uc/v1/order/cancel'],
    ['http://127.0.0.1:8089/sandbox', 'http://127.0.0.1:8089', '/sandbox/uc/v1/order/cancel'],
    ['http://127.0.0.1:8089/sandbox//', 'http://127.0.0.1:8089', '/sandbox/uc/v1/order/cancel'],
  ])('%s', (baseUrl, origin, path) => {
    expect(cancelEndpointOf(baseUrl)).toEqual({ origin, path });
  });

  it.each([
    ['not a url', 'is not a URL'],
    ['ftp://uniware.example', 'must be http or https'],
    ['https://user:secret@uniware.example', 'must not carry credentials'],
    ['https://uniware.example/?a=1', 'must not have a query'],
  ])('refuses %s', (baseUrl, message) => {
    expect(() => cancelEndpointOf(baseUrl)).toThrow(message);
  });
});

describe('the client configuration', () => {
  it.each([
    [{ connections: 0 }, 'connections must be a positive integer'],
    [{ connectTimeoutMs: -1 }, 'connectTimeoutMs must be a positive integer'],
    [{ responseTimeoutMs: 1.5 }, 'responseTimeoutMs must be a positive integer'],
    [{ maxResponseBytes: 0 }, 'maxResponseBytes must be a positive integer'],
    [{ securityKey: ' ' }, 'securityKey must not be empty'],
  ])('refuses %o at construction', (overrides, message) => {
    expect(() => createUniwareHttpClient(aClientConfig(overrides))).toThrow(message);
  });
});
