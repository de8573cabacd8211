/** An order's whole story from an instance's operations port (`GET /ops/orders/{id}`, with OPS_TOKEN). */
export interface StoryLine {
  readonly line: { readonly orderItemId: string; readonly quantity: number };
  readonly outcome: string;
}

export interface Story {
  readonly order?: {
    readonly items: readonly {
      orderItemId: string;
      productId: string;
      quantity: number;
      cancelledQuantity: number;
    }[];
  };
  readonly cancellationRecords: readonly {
    readonly source: string;
    readonly replayOf?: string;
    readonly lines: readonly StoryLine[];
  }[];
  readonly deliveryJobs: readonly { readonly state: string }[];
  readonly pendingAnnouncements: readonly unknown[];
}

export const OPS_TOKEN = 'reliability-ops-token-0123456789';

export const orderStory = async (opsUrl: string, orderId: string): Promise<Story> => {
  const response = await fetch(`${opsUrl}/ops/orders/${encodeURIComponent(orderId)}`, {
    headers: { authorization: `Bearer ${OPS_TOKEN}` },
  });
  if (response.status !== 200) throw new Error(`GET /ops/orders/${orderId}: ${response.status}`);
  return (await response.json()) as Story;
};
