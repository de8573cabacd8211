/** The operations port, on every process whatever its roles: probes, metrics, the story of an order. */
import { buildOperationsApi } from '@cancel-sync/adapter-http';
import { orderStory } from '@cancel-sync/application';
import type { RoleContext } from './context.ts';

export const startOperationsPort = async ({
  config,
  logger,
  metrics,
  lifecycle,
  stores,
  plain,
}: RoleContext): Promise<string> => {
  const { env } = config;
  const ops = await buildOperationsApi({
    ready: lifecycle.ready,
    metrics: async () => ({
      contentType: metrics.registry.contentType,
      text: await metrics.registry.metrics(),
    }),
    orderStory: orderStory({
      ledger: stores.ledger,
      records: stores.cancellationRecords,
      jobs: plain.deliveryJobOperations,
      announcements: plain.outbox,
    }),
    operatorToken: env.OPS_TOKEN,
    loggerInstance: logger.child({ part: 'ops' }),
  });
  const url = await ops.listen({ host: env.HTTP_HOST, port: env.METRICS_PORT });
  // Stopped last: probes on this port see readiness turn 503 and the stop go on.
  lifecycle.onStopLast('operations port', () => ops.close());
  return url;
};
