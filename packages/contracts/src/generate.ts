/** The files in `generated/`: derived from the TypeBox schemas, never edited by hand. */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { asyncApiDocument } from './asyncapi.ts';
import { DeliveryDeadLetterV1 } from './delivery-dead-letter.ts';
import { jsonSchemaDocument } from './json-schema.ts';
import { OrderCancelledV1 } from './order-cancelled.ts';
import { OrderLifecycleV1 } from './order-lifecycle.ts';

/** Where the committed artifacts live: `packages/contracts/generated`. */
export const GENERATED_DIRECTORY = join(import.meta.dirname, '..', 'generated');

export interface Artifact {
  readonly fileName: string;
  readonly content: string;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

export const contractArtifacts = (): readonly Artifact[] => [
  { fileName: 'order.cancelled.v1.schema.json', content: json(jsonSchemaDocument(OrderCancelledV1)) },
  { fileName: 'order.lifecycle.v1.schema.json', content: json(jsonSchemaDocument(OrderLifecycleV1)) },
  {
    fileName: 'order.cancelled.dlq.delivery.v1.schema.json',
    content: json(jsonSchemaDocument(DeliveryDeadLetterV1)),
  },
  { fileName: 'asyncapi.json', content: json(asyncApiDocument()) },
];

/** Writes every artifact and removes files that no longer are one, so nothing stale lingers. */
export const writeContractArtifacts = async (directory: string): Promise<readonly string[]> => {
  const artifacts = contractArtifacts();
  await mkdir(directory, { recursive: true });
  const wanted = new Set(artifacts.map((artifact) => artifact.fileName));
  for (const existing of await readdir(directory)) {
    if (!wanted.has(existing)) await rm(join(directory, existing), { recursive: true });
  }
  for (const { fileName, content } of artifacts) await writeFile(join(directory, fileName), content);
  return artifacts.map((artifact) => artifact.fileName);
};
