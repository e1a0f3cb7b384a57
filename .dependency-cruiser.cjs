/**
 * The import rules of docs/architecture.md, checked by dependency-cruiser: test/architecture/
 * import-rules.test.ts runs them in `npm test`, `npm run check:imports` prints what breaks them.
 *
 * LAYERS is the table of the doc: every folder of shared/ and what it may import besides itself.
 * A folder not in it has no place yet, which is itself a violation: add it here and to the doc.
 */

/** A folder (or one file) of the layout, as a path pattern. */
const folder = (name) => (name.endsWith('.ts') ? `^shared/${name.replaceAll('.', '\\.')}$` : `^shared/${name}/`);

const SOURCES = ['cloudwatch', 'firehose', 'eventhub', 'audit-log', 'webhook'];
const BELOW_SOURCES = [
  'schema',
  'core',
  'config',
  'normalize',
  'transforms/transform.ts',
  'transforms/policy',
  'transforms/redaction',
  'transforms/detection',
  'dedupe',
  'store',
  'pipeline',
  'runtime',
];
const BELOW_STORE = ['schema', 'core', 'config', 'normalize', 'transforms/transform.ts', 'transforms/policy', 'transforms/redaction', 'transforms/detection', 'dedupe', 'store'];

/**
 * Lowest first. `mayImport`: the folders a module of `folder` may import besides its own. Peers on
 * one layer are absent from each other's lists, so they never import each other.
 */
const LAYERS = [
  { layer: 0, folder: 'schema', mayImport: [] },
  { layer: 1, folder: 'core', mayImport: ['schema'] },
  { layer: 2, folder: 'config', mayImport: ['schema', 'core'] },
  { layer: 3, folder: 'normalize', mayImport: ['schema', 'core', 'config'] },
  { layer: 3, folder: 'transforms/transform.ts', mayImport: ['schema', 'core', 'config'] },
  { layer: 3, folder: 'transforms/policy', mayImport: ['schema', 'core', 'config', 'transforms/transform.ts'] },
  { layer: 3, folder: 'transforms/redaction', mayImport: ['schema', 'core', 'config', 'transforms/transform.ts'] },
  { layer: 3, folder: 'transforms/detection', mayImport: ['schema', 'core', 'config', 'transforms/transform.ts'] },
  { layer: 3, folder: 'dedupe', mayImport: ['schema', 'core'] },
  { layer: 4, folder: 'store', mayImport: ['schema', 'core', 'config'] },
  { layer: 5, folder: 'pipeline', mayImport: BELOW_STORE },
  { layer: 6, folder: 'runtime', mayImport: [...BELOW_STORE, 'pipeline'] },
  // Firehose carries CloudWatch Logs payloads; the webhook's body is an audit EventList.
  ...SOURCES.map((source) => ({
    layer: 7,
    folder: `sources/${source}`,
    mayImport: [...BELOW_SOURCES, ...({ firehose: ['sources/cloudwatch'], webhook: ['sources/audit-log'] }[source] ?? [])],
  })),
  // Files at the sources root (what `kaudit ingest` recognises, dead-letter replay) span sources.
  { layer: 7, folder: 'sources/*.ts', mayImport: [...BELOW_SOURCES, ...SOURCES.map((source) => `sources/${source}`)] },
  { layer: 8, folder: 'query', mayImport: [...BELOW_STORE, 'runtime'] },
  { layer: 8, folder: 'compaction', mayImport: BELOW_SOURCES },
  { layer: 9, folder: 'detect', mayImport: [...BELOW_SOURCES, 'sources', 'query', 'compaction'] },
  { layer: 9, folder: 'ui', mayImport: [...BELOW_SOURCES, 'sources', 'query', 'compaction'] },
  { layer: 10, folder: 'cli', mayImport: ['*'] },
];

const pattern = (name) => (name === 'sources/*.ts' ? '^shared/sources/[^/]+$' : folder(name));
const anyOf = (names) => `(${names.map(pattern).join('|')})`;

const layerRules = LAYERS.filter((entry) => !entry.mayImport.includes('*')).map((entry) => ({
  name: `layer-${entry.folder.replace(/[/*.]+/g, '-').replace(/-$/, '')}`,
  comment: `shared/${entry.folder} (layer ${entry.layer}) may import only ${entry.mayImport.length ? entry.mayImport.map((name) => `shared/${name}`).join(', ') : 'zod and node built-ins'} (docs/architecture.md)`,
  severity: 'error',
  from: { path: pattern(entry.folder) },
  to: { path: '^shared/', pathNot: anyOf([entry.folder, ...entry.mayImport]) },
}));

/** What the deployment code reads of shared/: the schema, settings and layout, and the checks of documents it inlines. */
const INFRA_MAY_IMPORT = [
  '^shared/schema/',
  '^shared/config/',
  '^shared/core/',
  '^shared/store/layout\\.ts$',
  '^shared/runtime/metric-names\\.ts$',
  '^shared/transforms/policy/load-policy\\.ts$',
  '^shared/transforms/redaction/redaction-(config|extras)\\.ts$',
  '^shared/pipeline/detection-rules\\.ts$',
  '^shared/sources/firehose/firehose-event\\.ts$',
  '^shared/sources/webhook/tokens-secret\\.ts$',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles of any length (type-only imports included): a cycle is a layer that points up',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-in-a-layer',
      comment: 'A folder of shared/ that the layer table of .dependency-cruiser.cjs and docs/architecture.md does not place',
      severity: 'error',
      from: { path: '^shared/', pathNot: anyOf(LAYERS.map((entry) => entry.folder)) },
      to: {},
    },
    ...layerRules,
    {
      name: 'shared-imports-no-edge',
      comment: 'shared/ never imports the edges that use it: the CLI (except from itself), functions/, infra/, scripts/, test/',
      severity: 'error',
      from: { path: '^shared/', pathNot: '^shared/cli/' },
      to: { path: '^(shared/cli|functions|infra|scripts|test)/' },
    },
    {
      name: 'functions-are-edges',
      comment: 'functions/ are entry points: nothing but the packaging imports them, and they import no infra, scripts or tests',
      severity: 'error',
      from: { path: '^functions/' },
      to: { path: '^(infra|scripts|test)/' },
    },
    {
      name: 'infra-imports-deployment-facts',
      comment: 'infra/ reads of shared/ only what a deployment needs (schema, configuration, settings, layout, metric names, the documents it inlines)',
      severity: 'error',
      from: { path: '^infra/' },
      to: { path: '^shared/', pathNot: `(${INFRA_MAY_IMPORT.join('|')})` },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist|cdk\\.out)/' },
    // Type-only imports couple modules too: a lower layer must not know a higher one's types.
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.mjs', '.js', '.cjs', '.json'] },
  },
};
