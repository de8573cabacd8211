/** A TypeBox schema as a standalone JSON Schema document, for consumers in any language. */
import type { TSchema } from '@sinclair/typebox';

export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** TypeBox keeps its bookkeeping under symbol keys; a JSON round trip leaves the plain schema. */
export const plainSchema = (schema: TSchema): Record<string, unknown> => JSON.parse(JSON.stringify(schema));

export const jsonSchemaDocument = (schema: TSchema): Record<string, unknown> => ({
  $schema: JSON_SCHEMA_DIALECT,
  ...plainSchema(schema),
});
