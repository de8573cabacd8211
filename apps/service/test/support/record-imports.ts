/**
 * Loaded with `--import` before anything else: records every module the process resolves and writes
 * them as JSON to the file named by RECORD_IMPORTS_FILE when it exits (a file, not stderr: a pipe
 * may not take it all before the process is gone), so a test can say what a start loads.
 */
import { writeFileSync } from 'node:fs';
import { registerHooks } from 'node:module';

const resolved = new Set<string>();
registerHooks({
  resolve(specifier, context, nextResolve) {
    const result = nextResolve(specifier, context);
    resolved.add(result.url);
    return result;
  },
});
process.on('exit', () => {
  const file = process.env.RECORD_IMPORTS_FILE;
  if (file !== undefined) writeFileSync(file, JSON.stringify([...resolved]));
});
