/** `GET /orders/:orderId/cancellations`: what the authenticated seller asked of an order, and what came of it. */
import type { CancellationRecord } from '@cancel-sync/application';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { API_KEY_SECURITY, authenticatedSeller } from '../authentication.ts';
import type { CancellationHistory } from '../options.ts';
import {
  ALWAYS_POSSIBLE,
  type CancellationHistoryAnswer,
  CancellationHistoryAnswer as CancellationHistorySchema,
  ERROR_RESPONSES,
  OrderParams,
} from '../schemas.ts';

export interface CancellationHistoryRoutesOptions {
  readonly cancellationHistory: CancellationHistory;
}

const toView = (record: CancellationRecord): CancellationHistoryAnswer['cancellations'][number] => ({
  requestId: record.requestId,
  source: record.source,
  receivedAt: record.receivedAt.toISOString(),
  status: record.status,
  replayOf: record.replayOf,
  lines: record.lines.map(({ line, outcome, message }) => ({
    orderItemId: line.orderItemId,
    productId: line.productId,
    variantId: line.variantId,
    quantity: line.quantity,
    outcome,
    message,
  })),
});

export const cancellationHistoryRoutes: FastifyPluginAsyncTypebox<CancellationHistoryRoutesOptions> = async (
  app,
  options,
) => {
  app.get(
    '/orders/:orderId/cancellations',
    {
      schema: {
        summary: 'The cancellation requests made for an order',
        tags: ['orders'],
        security: API_KEY_SECURITY,
        params: OrderParams,
        response: {
          200: CancellationHistorySchema,
          401: ERROR_RESPONSES[401],
          414: ERROR_RESPONSES[414],
          ...ALWAYS_POSSIBLE,
        },
      },
    },
    async (request, reply) => {
      const { orderId } = request.params;
      const records = await options.cancellationHistory(authenticatedSeller(request), orderId);
      return reply.code(200).send({ orderId, cancellations: records.map(toView) });
    },
  );
};
