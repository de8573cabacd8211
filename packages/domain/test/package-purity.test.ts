import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the domain package', () => {
  it('has no runtime dependencies (imports are checked by the layer rules)', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependencies ?? {}).toEqual({});
  });
});
