/**
 * Loaded with `--import` before anything else: records every module the process resolves and prints
 * them as one JSON line on stderr when it exits, so a test can say what a start loads.
 */
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
  process.stderr.write(`\nresolved-modules ${JSON.stringify([...resolved])}\n`);
});
