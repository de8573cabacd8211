import { setTimeout as sleep } from 'node:timers/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { checkCredentials } from '../credentials.ts';
import type { Fault } from '../faults.ts';
import { HeldConnections } from '../held-connections.ts';
import type { SandboxState } from '../sandbox-state.ts';
import type { CallRecord } from '../schemas/call-schemas.ts';
import {
  type CancelRequest,
  CancelRequestSchema,
  failure,
  success,
  type UniwareAnswerBody,
  UniwareAnswerSchema,
} from '../schemas/cancel-schemas.ts';

export const CANCEL_PATH = '/uc/v1/order/cancel';

const ANSWER_STATUSES = [200, 400, 401, 403, 413, 415, 429, 500, 502, 503] as const;
const answerSchemas = Object.fromEntries(ANSWER_STATUSES.map((status) => [status, UniwareAnswerSchema]));

interface Answer {
  readonly httpStatus: number;
  readonly body: UniwareAnswerBody;
}

/**
 * Uniware's `POST /uc/v1/order/cancel`, with bookkeeping and injected faults. Each call is
 * recorded from its first byte, so that even bodies Fastify refuses appear in the log.
 */
export const cancelRoute: FastifyPluginAsyncTypebox<{ state: SandboxState }> = async (app, { state }) => {
  const { calls } = state;
  const held = new HeldConnections();
  const records = new WeakMap<FastifyRequest, CallRecord>();
  const recordOf = (request: FastifyRequest): CallRecord => {
    const record = records.get(request);
    if (record === undefined) throw new Error('cancel call reached the handler without a record');
    return record;
  };

  app.addHook('preClose', async () => held.releaseAll());

  app.post(
    CANCEL_PATH,
    {
      // Credentials are checked before the body's shape, as a real gateway would.
      attachValidation: true,
      schema: { body: CancelRequestSchema, response: answerSchemas },
      onRequest: async (request) => {
        const presented = presentedCredentials(request);
        const securityKey =
          presented.securityKey === null
            ? 'missing'
            : presented.securityKey === state.options.securityKey
              ? 'valid'
              : 'invalid';
        const contentType = headerOf(request, 'content-type');
        const { clientId, merchantId } = presented;
        records.set(request, calls.open({ contentType, clientId, merchantId, securityKey }, new Date()));
      },
      onSend: async (request, reply, payload) => {
        const record = records.get(request);
        if (record !== undefined && record.answer === null) {
          const retryAfter = reply.getHeader('retry-after');
          calls.setAnswer(record, {
            httpStatus: reply.statusCode,
            body: parseIfJson(payload),
            ...(retryAfter === undefined ? {} : { retryAfter: String(retryAfter) }),
          });
        }
        return payload;
      },
      onResponse: async (request) => {
        const record = records.get(request);
        if (record !== undefined) calls.markAnswerSent(record);
      },
    },
    async (request, reply) => {
      const record = recordOf(request);
      calls.setBody(record, request.body);
      const { latencyMs, fault } = state.planCall();
      record.latencyMs = latencyMs;
      if (latencyMs > 0) {
        try {
          await sleep(latencyMs, undefined, { signal: held.signal });
        } catch {
          return drop(request, reply);
        }
      }
      if (fault !== null) {
        calls.setFault(record, fault);
        request.log.info({ fault, saleOrderCode: record.saleOrderCode }, 'injecting a fault');
      }
      if (fault !== null && fault.phase === 'before-apply') return injectFault(request, reply, fault);

      const answer = answerAsUniware(request, record);
      if (fault === null) return reply.code(answer.httpStatus).send(answer.body);
      if (fault.kind === 'hang') return hang(request, reply, record, answer, fault.answerAfterMs);
      return injectFault(request, reply, fault);
    },
  );

  /** Credentials, then the body's shape, then the quantities: the answer a healthy Uniware gives. */
  const answerAsUniware = (request: FastifyRequest<{ Body: CancelRequest }>, record: CallRecord): Answer => {
    const verdict = checkCredentials(state.options, presentedCredentials(request));
    if (!verdict.ok) return { httpStatus: verdict.httpStatus, body: failure(verdict.message) };
    if (request.validationError !== undefined) {
      return { httpStatus: 400, body: failure(request.validationError.message) };
    }
    const outcome = state.orders.cancel(verdict.merchantId, request.body);
    if (!outcome.ok) return { httpStatus: 200, body: failure(outcome.message) };
    calls.markApplied(record);
    return { httpStatus: 200, body: success('Successfully updated Order detail') };
  };

  const injectFault = (request: FastifyRequest, reply: FastifyReply, fault: Fault): FastifyReply => {
    switch (fault.kind) {
      case 'server-error':
        return reply.code(fault.status).send(failure(`Injected fault: HTTP ${fault.status}`));
      case 'too-many-requests':
        return reply
          .code(429)
          .header('retry-after', String(fault.retryAfterSeconds))
          .send(failure('Too many requests'));
      case 'drop':
        return drop(request, reply);
      case 'hang':
        // Hangs are always decided after applying; reaching here would be a planning bug.
        throw new Error('a hang cannot be injected before applying');
      default: {
        const exhaustive: never = fault;
        return exhaustive;
      }
    }
  };

  /** Keeps the connection open and answers late, or never: the client cannot tell what happened. */
  const hang = (
    request: FastifyRequest,
    reply: FastifyReply,
    record: CallRecord,
    answer: Answer,
    answerAfterMs: number | null,
  ): FastifyReply => {
    calls.setAnswer(record, { httpStatus: answer.httpStatus, body: answer.body });
    reply.hijack();
    held.hold(request.raw.socket);
    if (answerAfterMs === null) return reply;
    held.later(answerAfterMs, () => {
      if (reply.raw.destroyed || request.raw.socket.destroyed) return;
      reply.raw.writeHead(answer.httpStatus, { 'content-type': 'application/json; charset=utf-8' });
      reply.raw.end(JSON.stringify(answer.body));
      calls.markAnswerSent(record);
    });
    return reply;
  };
};

/** Ends the connection without a word: a reset, as a crashing proxy or a broken link would. */
const drop = (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
  reply.hijack();
  request.raw.socket.resetAndDestroy();
  return reply;
};

const headerOf = (request: FastifyRequest, name: string): string | null => {
  const value = request.headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : value;
};

const presentedCredentials = (request: FastifyRequest) => ({
  clientId: headerOf(request, 'clientid'),
  merchantId: headerOf(request, 'merchantid'),
  securityKey: headerOf(request, 'securitykey'),
});

const parseIfJson = (payload: unknown): unknown => {
  if (typeof payload !== 'string') return payload ?? null;
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
};
