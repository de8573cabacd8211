import type { UniwareAnswer, UniwareCancelRequest } from '@cancel-sync/domain';

/** Calls Uniware's `POST /uc/v1/order/cancel` on behalf of one seller. */
export interface UniwareClient {
  /**
   * Sends one cancellation and reports what came back, never throwing for an HTTP status or a
   * network failure: the domain's `classifyUniwareAnswer` decides what the answer means.
   * @param merchantId the seller's Uniware username, sent as the `merchantid` header.
   */
  cancelOrder(
    merchantId: string,
    request: UniwareCancelRequest,
    signal?: AbortSignal,
  ): Promise<UniwareAnswer>;
  close(): Promise<void>;
}
