import type { CancelRequest } from './schemas/cancel-schemas.ts';
import type { OrderView, SeedOrder } from './schemas/order-schemas.ts';

interface SkuLine {
  readonly productId: string;
  readonly variantId: string;
  readonly ordered: number;
  remaining: number;
}

interface SandboxOrder {
  readonly merchantId: string | null;
  readonly autoCreated: boolean;
  readonly skus: Map<string, SkuLine>;
}

export type CancelOutcome = { readonly ok: true } | { readonly ok: false; readonly message: string };

export interface OrderBookOptions {
  /** Create an unknown order on its first cancel, so that load tests need no seeding. */
  readonly autoCreateOrders: boolean;
  /** Units of every SKU of an auto-created order. */
  readonly autoCreateQuantity: number;
}

const skuKey = (productId: string, variantId: string): string => JSON.stringify([productId, variantId]);
const describeSku = (productId: string, variantId: string): string =>
  `SKU (productId ${productId}, variantId ${variantId})`;

/** The sandbox's own idea of what each order still has to cancel. */
export class OrderBook {
  readonly #orders = new Map<string, SandboxOrder>();
  readonly #options: OrderBookOptions;

  constructor(options: OrderBookOptions) {
    this.#options = options;
  }

  seed(saleOrderCode: string, order: SeedOrder): OrderView {
    const skus = new Map<string, SkuLine>();
    for (const { productId, variantId, quantity } of order.skus) {
      const key = skuKey(productId, variantId);
      const ordered = (skus.get(key)?.ordered ?? 0) + quantity;
      skus.set(key, { productId, variantId, ordered, remaining: ordered });
    }
    const seeded: SandboxOrder = { merchantId: order.merchantId ?? null, autoCreated: false, skus };
    this.#orders.set(saleOrderCode, seeded);
    return this.#view(saleOrderCode, seeded);
  }

  view(saleOrderCode: string): OrderView | undefined {
    const order = this.#orders.get(saleOrderCode);
    return order === undefined ? undefined : this.#view(saleOrderCode, order);
  }

  clear(): void {
    this.#orders.clear();
  }

  /** Applies every line of the request or none of them. */
  cancel(merchantId: string, request: CancelRequest): CancelOutcome {
    const { saleOrderCode } = request;
    let order = this.#orders.get(saleOrderCode);
    if (order === undefined) {
      if (!this.#options.autoCreateOrders) return refuse(`Sale order ${saleOrderCode} not found`);
      order = { merchantId: null, autoCreated: true, skus: new Map() };
      this.#orders.set(saleOrderCode, order);
    }
    if (order.merchantId !== null && order.merchantId !== merchantId) {
      // Orders belong to one tenant in Uniware: another merchant simply cannot see it.
      return refuse(`Sale order ${saleOrderCode} not found`);
    }

    const wanted = new Map<string, { productId: string; variantId: string; quantity: number }>();
    for (const { productId, variantId, quantity } of request.cancelledSkuCodes) {
      const key = skuKey(productId, variantId);
      wanted.set(key, { productId, variantId, quantity: (wanted.get(key)?.quantity ?? 0) + quantity });
    }

    const problems: string[] = [];
    const newLines = new Map<string, SkuLine>();
    for (const [key, { productId, variantId, quantity }] of wanted) {
      let line = order.skus.get(key);
      if (line === undefined && order.autoCreated) {
        const ordered = this.#options.autoCreateQuantity;
        line = { productId, variantId, ordered, remaining: ordered };
        newLines.set(key, line);
      }
      if (line === undefined) {
        problems.push(`${describeSku(productId, variantId)} is not part of sale order ${saleOrderCode}`);
      } else if (quantity > line.remaining) {
        problems.push(
          `cannot cancel ${quantity} unit(s) of ${describeSku(productId, variantId)} in sale order ${saleOrderCode}: only ${line.remaining} remain(s) cancellable`,
        );
      }
    }
    if (problems.length > 0) return refuse(capitalise(problems.join('; ')));

    for (const [key, line] of newLines) order.skus.set(key, line);
    for (const [key, { quantity }] of wanted) {
      const line = order.skus.get(key);
      if (line !== undefined) line.remaining -= quantity;
    }
    return { ok: true };
  }

  #view(saleOrderCode: string, order: SandboxOrder): OrderView {
    return {
      saleOrderCode,
      merchantId: order.merchantId,
      autoCreated: order.autoCreated,
      skus: [...order.skus.values()].map(({ productId, variantId, ordered, remaining }) => ({
        productId,
        variantId,
        ordered,
        cancelled: ordered - remaining,
        remaining,
      })),
    };
  }
}

const refuse = (message: string): CancelOutcome => ({ ok: false, message });
const capitalise = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);
