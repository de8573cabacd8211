/**
 * A closed set of strings published as `{ "type": "string", "enum": [...] }`. TypeBox's own
 * `Union` of `Literal`s would publish `anyOf` of `const`s, which code generators in other languages
 * turn into clumsy types; `enum` becomes a real enum almost everywhere.
 */
import { Kind, type SchemaOptions, type TUnsafe, Type, TypeRegistry } from '@sinclair/typebox';

export const STRING_ENUM_KIND = 'StringEnum';

export interface StringEnumSchema {
  readonly enum: readonly string[];
}

const isStringEnumSchema = (schema: unknown): schema is StringEnumSchema =>
  typeof schema === 'object' &&
  schema !== null &&
  Array.isArray((schema as { enum?: unknown }).enum) &&
  (schema as Record<symbol, unknown>)[Kind] === STRING_ENUM_KIND;

TypeRegistry.Set<StringEnumSchema>(
  STRING_ENUM_KIND,
  (schema, value) => typeof value === 'string' && schema.enum.includes(value),
);

export const StringEnum = <const T extends readonly string[]>(
  values: T,
  options: SchemaOptions,
): TUnsafe<T[number]> =>
  Type.Unsafe<T[number]>({ ...options, [Kind]: STRING_ENUM_KIND, type: 'string', enum: values });

/** The allowed values, when `schema` is a string enum; for naming them in error messages. */
export const stringEnumValues = (schema: unknown): readonly string[] | undefined =>
  isStringEnumSchema(schema) ? schema.enum : undefined;
