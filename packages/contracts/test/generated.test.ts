import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contractArtifacts, GENERATED_DIRECTORY } from '../src/generate.ts';
import { JSON_SCHEMA_DIALECT } from '../src/json-schema.ts';

const STALE = 'is stale: run `pnpm contracts:generate` and commit the result';

describe('packages/contracts/generated', () => {
  it('holds exactly the generated files', async () => {
    const expected = contractArtifacts().map((artifact) => artifact.fileName);
    expect((await readdir(GENERATED_DIRECTORY)).sort(), `the directory ${STALE}`).toEqual(expected.sort());
  });

  it.each(contractArtifacts())(
    'has $fileName as the generator writes it now',
    async ({ fileName, content }) => {
      const committed = await readFile(join(GENERATED_DIRECTORY, fileName), 'utf8');
      expect(committed, `${fileName} ${STALE}`).toBe(content);
    },
  );

  it.each([
    ['order.cancelled.v1.schema.json', 'urn:cancel-sync:event:order.cancelled:v1'],
    ['order.lifecycle.v1.schema.json', 'urn:cancel-sync:event:order.lifecycle:v1'],
    ['order.cancelled.dlq.delivery.v1.schema.json', 'urn:cancel-sync:dead-letter:delivery:v1'],
  ])('publishes %s as a draft 2020-12 schema with its $id', async (fileName, id) => {
    const schema = JSON.parse(await readFile(join(GENERATED_DIRECTORY, fileName), 'utf8'));
    expect(schema).toMatchObject({ $schema: JSON_SCHEMA_DIALECT, $id: id, type: 'object' });
  });
});
