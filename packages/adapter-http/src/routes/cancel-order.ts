/**
 * `POST /orders/cancel`: Uniware tells us a seller cancelled units of an order. Every line is judged
 * on its own; the answer lists only the lines that failed, in the shape Uniware documents.
 */
import { WriteConflictError } from '@cancel-sync/application';
import type { CancellationResult } from '@cancel-sync/domain';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API_KEY_SECURITY, authenticatedSeller } from '../authentication.ts';
import { validationFailure } from '../error-answers.ts';
import type { CancelFromUniware } from '../options.ts';
import {
  ALWAYS_POSSIBLE,
  BODY_FAILURES,
  type CancelOrderAnswer,
  CancelOrderAnswer as CancelOrderAnswerSchema,
  CancelOrderRequest,
  ERROR_CODES,
  ERROR_RESPONSES,
  IdempotencyHeaders,
} from '../schemas.ts';

export interface CancelOrderRoutesOptions {
  readonly cancelFromUniware: CancelFromUniware;
  readonly maxLinesPerRequest: number;
  /** The use case gives up at this deadline if its write has not been sent yet. */
  readonly handlerMs: number;
  /** Extra time a sent write is waited for before the last-resort timeout answers. */
  readonly writeGraceMs: number;
}

/**
 * Refuses too many lines before the schema is checked: listing every error of a 256 KiB array of
 * thousands of bad lines would hold the event loop for most of a second.
 */
const refuseTooManyLines = (body: unknown, maxLines: number): void => {
  const lines =
    typeof body === 'object' && body !== null && 'orderItems' in body ? body.orderItems : undefined;
  if (Array.isArray(lines) && lines.length > maxLines) {
    throw validationFailure('body', [
      {
        keyword: 'maxItems',
        instancePath: '/orderItems',
        params: { limit: maxLines },
        message: `must NOT have more than ${maxLines} items`,
      },
    ]);
  }
};

const unavailable = (code: string, message: string, requestId: string) => ({
  status: 'FAILED' as const,
  code,
  message,
  requestId,
});

/** Exactly Uniware's fields: the domain's refusal code stays in our records, not in the answer. */
const toAnswer = (result: CancellationResult): CancelOrderAnswer => ({
  status: result.status,
  orderItems: result.failedItems.map(({ orderItemId, errorMessage }) => ({ orderItemId, errorMessage })),
});

export const cancelOrderRoutes: FastifyPluginAsyncTypebox<CancelOrderRoutesOptions> = async (
  app,
  options,
) => {
  app.post(
    '/orders/cancel',
    {
      schema: {
        summary: 'Cancel units of an order (Uniware → marketplace)',
        tags: ['orders'],
        security: API_KEY_SECURITY,
        headers: IdempotencyHeaders,
        body: CancelOrderRequest(options.maxLinesPerRequest),
        response: {
          200: CancelOrderAnswerSchema,
          401: ERROR_RESPONSES[401],
          422: ERROR_RESPONSES[422],
          ...ALWAYS_POSSIBLE,
          ...BODY_FAILURES,
        },
      },
      preValidation: async (request) => refuseTooManyLines(request.body, options.maxLinesPerRequest),
      // The server-wide timeout would answer 503 while a sent write may still land; here the use
      // case honours the deadline itself, and this later one is only a last resort.
      handlerTimeout: options.handlerMs + options.writeGraceMs,
    },
    async (request, reply) => {
      const { orderId, orderItems } = request.body;
      const sellerId = authenticatedSeller(request);
      try {
        const answer = await options.cancelFromUniware({
          sellerId,
          orderId,
          lines: orderItems.map(({ orderItemId, productId, variantId, quantity }) => ({
            orderItemId,
            productId,
            variantId,
            quantity,
          })),
          idempotencyKey: request.headers['idempotency-key'],
          requestId: request.id,
          // Not `request.signal`: on a real socket it also aborts once the body has been read.
          signal: AbortSignal.timeout(options.handlerMs),
        });
        switch (answer.kind) {
          case 'answered':
            request.log.info(
              {
                sellerId,
                orderId,
                cancellationRequestId: answer.requestId,
                status: answer.result.status,
                replayed: answer.replayed,
              },
              'cancellation answered',
            );
            if (answer.replayed) reply.header('idempotent-replayed', 'true');
            return reply.code(200).send(toAnswer(answer.result));
          case 'idempotency-key-reused':
            return reply.code(422).send({
              status: 'FAILED',
              code: ERROR_CODES.idempotencyKeyReused,
              message: answer.message,
              requestId: request.id,
            });
          case 'deadline-passed':
            request.log.warn({ sellerId, orderId }, 'deadline passed before the write; nothing written');
            return reply
              .code(503)
              .header('retry-after', '1')
              .send(
                unavailable(
                  ERROR_CODES.timeout,
                  'the request took too long and nothing was applied; try again',
                  request.id,
                ),
              );
          case 'order-busy':
            request.log.warn({ sellerId, orderId }, 'too many requests waiting for this order');
            return reply
              .code(503)
              .header('retry-after', '1')
              .send(
                unavailable(
                  ERROR_CODES.orderBusy,
                  'too many requests for this order are under way; nothing was applied; try again',
                  request.id,
                ),
              );
          default: {
            const exhaustive: never = answer;
            return exhaustive;
          }
        }
      } catch (error) {
        if (!(error instanceof WriteConflictError)) throw error;
        request.log.warn({ sellerId, orderId, err: error }, 'order kept changing; asked to retry');
        return reply.code(503).header('retry-after', '1').send({
          status: 'FAILED',
          code: ERROR_CODES.writeConflict,
          message: 'the order is being changed by another request; try again',
          requestId: request.id,
        });
      }
    },
  );
};
