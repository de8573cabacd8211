import { type FastifyPluginAsyncTypebox, Type } from '@fastify/type-provider-typebox';

export const healthRoute: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/healthz',
    { schema: { response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
};
