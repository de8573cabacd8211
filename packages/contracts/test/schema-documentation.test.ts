import type { TSchema } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import {
  DeadLetterHeadersV1,
  DeliveryDeadLetterHeadersV1,
  DeliveryDeadLetterV1,
  OrderCancelledV1,
  OrderLifecycleV1,
} from '../src/index.ts';

/** Every property, at any depth, with its path. */
const propertiesOf = (schema: TSchema, path = ''): [string, TSchema][] => {
  const node = schema.type === 'array' ? (schema.items as TSchema) : schema;
  const properties = (node.properties ?? {}) as Record<string, TSchema>;
  return Object.entries(properties).flatMap(([key, property]) => [
    [`${path}/${key}`, property] as [string, TSchema],
    ...propertiesOf(property, `${path}/${key}`),
  ]);
};

describe.each([
  ['OrderCancelledV1', OrderCancelledV1],
  ['OrderLifecycleV1', OrderLifecycleV1],
  ['DeadLetterHeadersV1', DeadLetterHeadersV1],
  ['DeliveryDeadLetterV1', DeliveryDeadLetterV1],
  ['DeliveryDeadLetterHeadersV1', DeliveryDeadLetterHeadersV1],
])('%s', (name, schema) => {
  it('has an $id, a title and a description', () => {
    expect(schema).toMatchObject({ $id: expect.stringMatching(/^urn:cancel-sync:/), title: name });
    expect(schema.description).toEqual(expect.any(String));
  });

  it('gives every field a title and a description', () => {
    const fields = propertiesOf(schema);
    expect(fields.length).toBeGreaterThan(5);
    for (const [path, field] of fields) {
      expect(field.title, path).toEqual(expect.any(String));
      expect(field.description, path).toEqual(expect.any(String));
    }
  });
});
