/** Field schemas shared by the events, so that an id or a date means the same thing everywhere. */
import { Type } from '@sinclair/typebox';

/** Ids are opaque strings; 128 characters is far above any id the marketplace or Uniware issue. */
export const ID_MAX_LENGTH = 128;

/** Above a million units a quantity is a bug upstream, not an order. */
export const QUANTITY_MAX = 1_000_000;

/** Lines per event; keeps any realistic event far below Kafka's default 1 MB record limit. */
export const ITEMS_MAX = 500;

/** RFC 3339 allows any offset; the contract wants UTC, written as `Z` or `+00:00`. */
export const UTC_SUFFIX_PATTERN = '(?:[Zz]|\\+00:00)$';

export const SchemaVersion1 = () =>
  Type.Literal(1, {
    title: 'Schema version',
    description:
      'Version of this contract, always 1 here. Changes within version 1 are additive only; a breaking change gets a new number and a new schema.',
  });

export const EventId = (description: string) =>
  Type.String({ format: 'uuid', title: 'Event id', description: `UUID of this event. ${description}` });

export const OccurredAt = (description: string) =>
  Type.String({
    format: 'date-time',
    pattern: UTC_SUFFIX_PATTERN,
    title: 'Occurred at',
    description: `${description} RFC 3339 date-time in UTC, ending in "Z" or "+00:00".`,
  });

export const Identifier = (title: string, description: string) =>
  Type.String({ minLength: 1, maxLength: ID_MAX_LENGTH, title, description });

export const OrderId = (description = '') =>
  Identifier('Order id', `The order's id, which is Uniware's saleOrderCode.${description}`);

export const SellerId = () => Identifier('Seller id', 'The seller who owns the order.');

export const ProductId = () =>
  Identifier('Product id', 'The product; with the variant it names the SKU Uniware knows.');

export const VariantId = () =>
  Identifier('Variant id', 'The variant of the product; with the product it names the SKU Uniware knows.');

export const Quantity = (title: string, description: string, minimum = 1) =>
  Type.Integer({ minimum, maximum: QUANTITY_MAX, title, description });
