import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';
import type { SandboxState } from '../sandbox-state.ts';
import { CallRecordSchema, CallStatsSchema, CallsQuerySchema } from '../schemas/call-schemas.ts';
import { failure, UniwareAnswerSchema } from '../schemas/cancel-schemas.ts';
import { FaultsUpdateSchema, FaultsViewSchema } from '../schemas/fault-schemas.ts';
import { OrderViewSchema, SaleOrderCodeParamsSchema, SeedOrderSchema } from '../schemas/order-schemas.ts';

export const ADMIN_PREFIX = '/__sandbox';

/** Seeding, inspection and fault control; not part of Uniware's API. */
export const adminRoutes: FastifyPluginAsyncTypebox<{ state: SandboxState }> = async (app, { state }) => {
  const ErrorSchema = UniwareAnswerSchema;
  const NoContent = Type.Null();

  app.put(
    '/orders/:saleOrderCode',
    {
      schema: {
        params: SaleOrderCodeParamsSchema,
        body: SeedOrderSchema,
        response: { 200: OrderViewSchema, 400: ErrorSchema },
      },
    },
    async (request) => state.orders.seed(request.params.saleOrderCode, request.body),
  );

  app.get(
    '/orders/:saleOrderCode',
    {
      schema: {
        params: SaleOrderCodeParamsSchema,
        response: { 200: OrderViewSchema, 404: ErrorSchema },
      },
    },
    async (request, reply) => {
      const { saleOrderCode } = request.params;
      const order = state.orders.view(saleOrderCode);
      if (order === undefined) return reply.code(404).send(failure(`Sale order ${saleOrderCode} not found`));
      return order;
    },
  );

  app.get(
    '/calls',
    { schema: { querystring: CallsQuerySchema, response: { 200: Type.Array(CallRecordSchema) } } },
    async (request) => state.calls.list(request.query.saleOrderCode),
  );

  app.delete('/calls', { schema: { response: { 204: NoContent } } }, async (_request, reply) => {
    state.calls.clear();
    return reply.code(204).send(null);
  });

  app.get('/stats', { schema: { response: { 200: CallStatsSchema } } }, async () => state.calls.stats());

  app.get('/faults', { schema: { response: { 200: FaultsViewSchema } } }, async () => state.faults);

  app.put(
    '/faults',
    { schema: { body: FaultsUpdateSchema, response: { 200: FaultsViewSchema, 400: ErrorSchema } } },
    async (request, reply) => {
      try {
        return state.setFaults(request.body);
      } catch (error) {
        if (error instanceof RangeError) return reply.code(400).send(failure(error.message));
        throw error;
      }
    },
  );

  app.post('/reset', { schema: { response: { 204: NoContent } } }, async (_request, reply) => {
    state.reset();
    return reply.code(204).send(null);
  });
};
