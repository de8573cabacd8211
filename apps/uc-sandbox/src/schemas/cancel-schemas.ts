import { type Static, Type } from '@sinclair/typebox';

/** Uniware's documented body for `POST /uc/v1/order/cancel`. */
export const CancelledSkuSchema = Type.Object({
  quantity: Type.Integer({ minimum: 1 }),
  productId: Type.String({ minLength: 1 }),
  variantId: Type.String({ minLength: 1 }),
});
export type CancelledSku = Static<typeof CancelledSkuSchema>;

export const CancelRequestSchema = Type.Object({
  saleOrderCode: Type.String({ minLength: 1 }),
  // An empty list would be a whole-order cancellation, which Uniware's documentation does not
  // describe; the sandbox refuses it rather than guess.
  cancelledSkuCodes: Type.Array(CancelledSkuSchema, { minItems: 1 }),
  cancellationReason: Type.String(),
});
export type CancelRequest = Static<typeof CancelRequestSchema>;

/** Every answer of the cancel endpoint, whatever the status code, has Uniware's shape. */
export const UniwareAnswerSchema = Type.Object({
  status: Type.Union([Type.Literal('success'), Type.Literal('failure')]),
  message: Type.String(),
  data: Type.Null(),
});
export type UniwareAnswerBody = Static<typeof UniwareAnswerSchema>;

export const success = (message: string): UniwareAnswerBody => ({ status: 'success', message, data: null });
export const failure = (message: string): UniwareAnswerBody => ({ status: 'failure', message, data: null });
