/**
 * Uniware's side of the inbound API: a token from /authToken, then POST /orders/cancel. A request
 * whose answer never came (the connection ended: the instance was killed) is an unknown outcome.
 */
export interface CancelLine {
  readonly orderItemId: string;
  readonly productId: string;
  readonly variantId: string;
  readonly quantity: number;
}

export interface InboundRequest {
  readonly orderId: string;
  readonly orderItems: readonly CancelLine[];
}

export type InboundOutcome =
  | {
      readonly kind: 'answered';
      readonly httpStatus: number;
      readonly status: string | undefined;
      /** `Idempotent-Replayed: true`: answered from an earlier request that was applied. */
      readonly replayed: boolean;
      /** The lines refused (Uniware's answer lists only those). */
      readonly refused: readonly string[];
    }
  | { readonly kind: 'lost'; readonly error: string };

export const login = async (httpUrl: string, username: string, password: string): Promise<string> => {
  const query = new URLSearchParams({ username, password });
  const response = await fetch(`${httpUrl}/authToken?${query}`);
  const body = (await response.json()) as { accessToken?: string };
  if (body.accessToken === undefined) throw new Error(`no token for ${username}: ${response.status}`);
  return body.accessToken;
};

export const cancelInbound = async (
  httpUrl: string,
  token: string,
  request: InboundRequest,
  { headers = {}, timeoutMs = 30_000 }: { headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<InboundOutcome> => {
  try {
    const response = await fetch(`${httpUrl}/orders/cancel`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', apikey: token, ...headers },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => ({}))) as {
      status?: string;
      orderItems?: { orderItemId: string }[];
    };
    return {
      kind: 'answered',
      httpStatus: response.status,
      status: body.status,
      replayed: response.headers.get('idempotent-replayed') === 'true',
      refused: (body.orderItems ?? []).map((item) => item.orderItemId),
    };
  } catch (error) {
    return {
      kind: 'lost',
      error: error instanceof Error ? ((error.cause as Error)?.message ?? error.message) : String(error),
    };
  }
};
