/** `pnpm contracts:generate`: rewrites packages/contracts/generated from the schemas. */
import { GENERATED_DIRECTORY, writeContractArtifacts } from './generate.ts';

for (const fileName of await writeContractArtifacts(GENERATED_DIRECTORY)) {
  console.log(`wrote packages/contracts/generated/${fileName}`);
}
