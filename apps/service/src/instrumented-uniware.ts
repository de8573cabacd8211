import type { UniwareClient } from '@cancel-sync/application';
import type { Metrics } from './metrics.ts';

/** Times every call to Uniware by the kind of answer, without the dispatcher knowing. */
export const instrumentedUniware = (client: UniwareClient, metrics: Metrics): UniwareClient => ({
  async cancelOrder(merchantId, request, signal) {
    const stop = metrics.uniwareCalls.startTimer();
    const answer = await client.cancelOrder(merchantId, request, signal);
    stop({ answer: answer.kind === 'response' ? String(answer.httpStatus) : answer.code });
    return answer;
  },
  close: () => client.close(),
});
