/**
 * The layer rules of the hexagon, checked on every test run:
 * - the domain depends on nothing outside itself (no packages, no Node built-ins);
 * - the application (use cases and ports) depends only on the domain;
 * - an adapter never imports another adapter;
 * - nothing but an app imports an app.
 */
const adapters = '^packages/adapter-([^/]+)/src/';

module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'packages/domain must not import anything outside itself: no npm package, no Node built-in, no other workspace package.',
      severity: 'error',
      from: { path: '^packages/domain/src/' },
      to: { pathNot: '^packages/domain/src/' },
    },
    {
      name: 'application-depends-only-on-domain',
      comment: 'Use cases and ports may import the domain and nothing else.',
      severity: 'error',
      from: { path: '^packages/application/src/' },
      to: { pathNot: ['^packages/application/src/', '^packages/domain/src/'] },
    },
    {
      name: 'adapter-does-not-import-adapter',
      comment: 'An adapter implements a port; it never reaches into another adapter.',
      severity: 'error',
      from: { path: adapters },
      to: { path: '^packages/adapter-', pathNot: '^packages/adapter-$1/' },
    },
    {
      name: 'only-apps-import-apps',
      comment: 'Apps are composition roots; packages must not depend on them.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { path: '^apps/' },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['node_modules', '\\.tools'] },
    tsPreCompilationDeps: true,
    combinedDependencies: true,
    preserveSymlinks: false,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.js', '.json'],
    },
  },
};
