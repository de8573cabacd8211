/** Why a cancellation line was refused: a stable machine code and a human message. */

export const REFUSAL_CODES = [
  'ORDER_NOT_FOUND',
  'ORDER_NOT_CANCELLABLE',
  'ITEM_NOT_FOUND',
  'ITEM_MISMATCH',
  'INVALID_QUANTITY',
  'QUANTITY_EXCEEDS_CANCELLABLE',
  'ITEM_NOT_CANCELLABLE',
  'DUPLICATE_ITEM',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  readonly code: RefusalCode;
  readonly message: string;
}

export const refuse = (code: RefusalCode, message: string): Refusal => ({ code, message });
