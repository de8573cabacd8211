/** The API built over the real use cases and in-memory ports, plus the moves most tests make. */
import { authenticate, cancelFromUniware, issueAccessToken, type Seller } from '@cancel-sync/application';
import {
  FakeCrypto,
  InMemoryIdempotencyKeys,
  InMemoryLedger,
  InMemoryRecords,
  InMemorySellers,
  InMemoryTokens,
  ManualClock,
  SequentialIds,
} from '@cancel-sync/application/testing';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { buildHttpApi, type HttpApiOptions, type Readiness } from '../src/index.ts';
import { CapturedLogs } from './captured-logs.ts';
import { aSeller, PASSWORD } from './mothers.ts';

export const TOKEN_TTL_MS = 48 * 60 * 60 * 1000;

export class World {
  readonly clock = new ManualClock();
  readonly ids = new SequentialIds();
  readonly crypto = new FakeCrypto();
  readonly sellers = new InMemorySellers();
  readonly tokens = new InMemoryTokens();
  readonly ledger = new InMemoryLedger();
  readonly records = new InMemoryRecords();
  readonly idempotencyKeys = new InMemoryIdempotencyKeys();
  readiness: Readiness = { ready: true, checks: { mongodb: 'ok', kafka: 'ok' } };

  givenSeller(seller: Seller = aSeller()): Seller {
    this.sellers.sellers.set(seller.sellerId, seller);
    return seller;
  }

  useCases(): Pick<
    HttpApiOptions,
    'issueAccessToken' | 'authenticate' | 'cancelFromUniware' | 'cancellationHistory' | 'ready'
  > {
    const { sellers, tokens, crypto, clock } = this;
    return {
      issueAccessToken: issueAccessToken({ sellers, tokens, crypto, clock, tokenTtlMs: TOKEN_TTL_MS }),
      authenticate: authenticate({ tokens, crypto, clock }),
      cancelFromUniware: cancelFromUniware({
        ledger: this.ledger,
        records: this.records,
        idempotencyKeys: this.idempotencyKeys,
        crypto,
        clock,
        ids: this.ids,
        settings: {
          duplicateWindowMs: 10 * 60 * 1000,
          idempotencyKeyTtlMs: 24 * 60 * 60 * 1000,
          maxWriteAttempts: 3,
          reason: 'cancelled by the seller in Uniware',
          maxQueuedPerOrder: 100,
        },
      }),
      cancellationHistory: (sellerId, orderId) => this.records.forOrder(sellerId, orderId),
      ready: async () => this.readiness,
    };
  }
}

export interface TestApi {
  readonly app: FastifyInstance;
  readonly world: World;
  readonly logs: CapturedLogs;
}

export const buildTestApi = async (
  overrides: Partial<HttpApiOptions> = {},
  world: World = new World(),
): Promise<TestApi> => {
  const logs = new CapturedLogs();
  const app = await buildHttpApi({
    ...world.useCases(),
    logger: { level: 'debug', stream: logs },
    ...overrides,
  });
  return { app, world, logs };
};

/** A token for `seller`, obtained the way Uniware does. */
export const tokenFor = async (app: FastifyInstance, seller: Seller = aSeller()): Promise<string> => {
  const response = await app.inject({
    method: 'POST',
    url: '/authToken',
    payload: { username: seller.username, password: PASSWORD },
  });
  const body = response.json<{ accessToken?: unknown }>();
  if (response.statusCode !== 200 || typeof body.accessToken !== 'string') {
    throw new Error(`could not log in: ${response.statusCode} ${response.body}`);
  }
  return body.accessToken;
};

export const postCancel = (
  app: FastifyInstance,
  token: string,
  payload: InjectOptions['payload'],
  headers: Record<string, string> = {},
) =>
  app.inject({
    method: 'POST',
    url: '/orders/cancel',
    headers: { apikey: token, ...headers },
    payload,
  });
