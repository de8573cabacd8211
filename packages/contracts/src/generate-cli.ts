/** `pnpm contracts:generate`: rewrites packages/contracts/generated from the schemas. */
import { GENERATED_DIRECTORY, writeContractArtifacts } from './generate.ts';

if (process.argv.slice(2).some((arg) => arg === '--help' || arg === '-h')) {
  process.stdout.write(
    'usage: pnpm contracts:generate\n  Rewrites packages/contracts/generated (JSON Schema files and the AsyncAPI document) from the schemas.\n',
  );
  process.exit(0);
}

for (const fileName of await writeContractArtifacts(GENERATED_DIRECTORY)) {
  console.log(`wrote packages/contracts/generated/${fileName}`);
}
