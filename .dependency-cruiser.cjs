/**
 * The gateway's import rules, checked by `npm run check:imports` (part of `npm test`). Layers, top to bottom:
 *   cli → gateway.ts, hot-reload.ts, server.ts, index.ts, load-config.ts, docs/ → ingress/ → http/, telemetry/ → tenancy/ → routing/
 *   → providers/ → protocols/, upstream/, store/ → config/ → core/   (and @switchyard/wire below all of them)
 * A module may import its own layer or any layer below it; never one above, and never in a cycle.
 */
const src = '^packages/gateway/src/';
const layers = [
  { name: 'cli', path: `${src}cli/` },
  { name: 'composition', path: `${src}(gateway|hot-reload|index|load-config|server)\\.ts$|${src}docs/` },
  { name: 'ingress', path: `${src}ingress/` },
  { name: 'edge', path: `${src}(http|telemetry)/` },
  { name: 'tenancy', path: `${src}tenancy/` },
  { name: 'routing', path: `${src}routing/` },
  { name: 'providers', path: `${src}providers/` },
  { name: 'protocols', path: `${src}(protocols|upstream|store)/` },
  { name: 'config', path: `${src}config/` },
  { name: 'core', path: `${src}core/` },
];

/** One rule per layer: nothing in it imports a layer above it. */
const upward = layers.slice(1).map((layer, index) => ({
  name: `no-upward-from-${layer.name}`,
  severity: 'error',
  comment: `${layer.name} must not import ${layers
    .slice(0, index + 1)
    .map((l) => l.name)
    .join(', ')}`,
  from: { path: layer.path },
  to: {
    path: layers
      .slice(0, index + 1)
      .map((l) => `(${l.path})`)
      .join('|'),
  },
}));

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import cycles make the layers meaningless.',
      from: { path: '^packages/' },
      to: { circular: true },
    },
    {
      name: 'wire-is-node-free',
      severity: 'error',
      comment: '@switchyard/wire runs in browsers too: no Node built-ins.',
      from: { path: '^packages/wire/src/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'wire-is-the-bottom',
      severity: 'error',
      comment: '@switchyard/wire is used by gateway and client and imports neither.',
      from: { path: '^packages/wire/src/' },
      to: { path: '^packages/(gateway|client)/' },
    },
    {
      name: 'client-is-not-the-gateway',
      severity: 'error',
      comment: 'The client library ships alone: it must not import gateway code.',
      from: { path: '^packages/client/src/' },
      to: { path: '^packages/gateway/' },
    },
    ...upward,
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.test.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
