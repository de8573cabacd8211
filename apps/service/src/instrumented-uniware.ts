import type { UniwareClient } from '@cancel-sync/application';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Metrics } from './metrics.ts';
import type { UniwareHealth } from './uniware-health.ts';

const tracer = trace.getTracer('cancel-sync');

/**
 * Times and traces every call to Uniware by the kind of answer, without the dispatcher knowing:
 * one span per delivery attempt, parent of the HTTP client span.
 */
export const instrumentedUniware = (
  client: UniwareClient,
  metrics: Metrics,
  health?: UniwareHealth,
): UniwareClient => ({
  cancelOrder: (merchantId, request, signal) =>
    tracer.startActiveSpan(
      'uniware cancel order',
      {
        kind: SpanKind.INTERNAL,
        attributes: {
          'uniware.sale_order_code': request.saleOrderCode,
          'uniware.merchant_id': merchantId,
          'uniware.sku_count': request.cancelledSkuCodes.length,
        },
      },
      async (span) => {
        const stop = metrics.uniwareCalls.startTimer();
        try {
          const answer = await client.cancelOrder(merchantId, request, signal);
          health?.record(answer);
          const label = answer.kind === 'response' ? String(answer.httpStatus) : answer.code;
          stop({ answer: label });
          span.setAttribute('uniware.answer', label);
          if (answer.kind === 'network-error') {
            span.setAttributes({
              'error.type': answer.code,
              'uniware.outcome_unknown': answer.outcomeUnknown,
            });
            span.setStatus({ code: SpanStatusCode.ERROR, message: answer.code });
          } else {
            span.setAttribute('http.response.status_code', answer.httpStatus);
            const body = answer.body;
            if (
              typeof body === 'object' &&
              body !== null &&
              'status' in body &&
              typeof body.status === 'string'
            ) {
              span.setAttribute('uniware.status', body.status);
            }
          }
          return answer;
        } finally {
          span.end();
        }
      },
    ),
  close: () => client.close(),
});
