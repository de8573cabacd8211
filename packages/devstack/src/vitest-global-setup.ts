import type { TestProject } from 'vitest/node';
import { progress } from './progress.ts';
import { type Stack, startStack } from './stack.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    stack: { kafkaBrokers: string[]; mongodbUri: string };
  }
}

/**
 * Vitest runs every project's global setup in its main process, but imports the file once per
 * project (each project has its own module runner), so module-level variables are not shared. The
 * one stack of a run therefore lives on globalThis, with a count of the projects using it; the
 * last project's teardown stops it.
 */
type SharedStack = { stack: Promise<Stack>; users: number };
const KEY = Symbol.for('cancel-sync.devstack.shared-stack');
const registry = globalThis as typeof globalThis & { [KEY]?: SharedStack };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  let shared = registry[KEY];
  if (shared === undefined) {
    shared = { stack: startStack(), users: 0 };
    registry[KEY] = shared;
    // A failed start must not be handed to the next project as if it were running.
    shared.stack.catch(() => {
      if (registry[KEY] === shared) delete registry[KEY];
    });
  }
  shared.users += 1;
  const mine = shared;
  let stack: Stack;
  try {
    stack = await mine.stack;
  } catch (error) {
    mine.users -= 1;
    throw error;
  }
  project.provide('stack', { kafkaBrokers: stack.kafkaBrokers, mongodbUri: stack.mongodbUri });

  return async () => {
    mine.users -= 1;
    if (mine.users > 0) return;
    if (registry[KEY] === mine) delete registry[KEY];
    if (stack.source !== 'environment') progress(`stopping the ${stack.source} servers`);
    await stack.stop();
  };
}
