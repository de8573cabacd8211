import { type Static, Type } from '@sinclair/typebox';

export const SaleOrderCodeParamsSchema = Type.Object({ saleOrderCode: Type.String({ minLength: 1 }) });

export const SeedOrderSchema = Type.Object(
  {
    /** When set, only this merchant may cancel the order. */
    merchantId: Type.Optional(Type.String({ minLength: 1 })),
    skus: Type.Array(
      Type.Object(
        {
          productId: Type.String({ minLength: 1 }),
          variantId: Type.String({ minLength: 1 }),
          quantity: Type.Integer({ minimum: 1 }),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type SeedOrder = Static<typeof SeedOrderSchema>;

export const OrderViewSchema = Type.Object({
  saleOrderCode: Type.String(),
  merchantId: Type.Union([Type.String(), Type.Null()]),
  /** Created by a first cancel rather than seeded: any SKU is accepted, with a generous quantity. */
  autoCreated: Type.Boolean(),
  skus: Type.Array(
    Type.Object({
      productId: Type.String(),
      variantId: Type.String(),
      ordered: Type.Integer(),
      cancelled: Type.Integer(),
      remaining: Type.Integer(),
    }),
  ),
});
export type OrderView = Static<typeof OrderViewSchema>;
