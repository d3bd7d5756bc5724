/**
 * The project's layers, checked by `npm run lint:deps` (part of `npm test`). Data flows one way:
 * producers -> Kafka -> ksqlDB -> Pinot -> dashboard; the embedded servers are libraries of their own that
 * know nothing of the product around them (ARCHITECTURE.md has the map).
 *
 * @type {import('dependency-cruiser').IConfiguration}
 */
const PRODUCT = '^(config|dashboard|ksql|pinot|producers|scenarios|stack|bench|reference|test)/';

module.exports = {
  forbidden: [
    {
      name: 'embedded-servers-stand-alone',
      comment: 'An embedded server (Kafka, Connect, ksqlDB, Pinot) takes its settings as arguments: it imports nothing of the product, not even config/. Only its cli.ts, an entry point, may read config/.',
      severity: 'error',
      from: { path: '^embedded/', pathNot: '^embedded/[^/]+/cli\\.ts$' },
      to: { path: PRODUCT },
    },
    {
      name: 'embedded-clis-stay-below-the-stack',
      comment: "An embedded server's CLI may read config/ and the project's Pinot tables (pinot/), never the stack, the scenarios, the producers, the dashboard or the tests.",
      severity: 'error',
      from: { path: '^embedded/[^/]+/cli\\.ts$' },
      to: { path: '^(dashboard|ksql|producers|scenarios|stack|bench|reference|test)/' },
    },
    {
      name: 'embedded-servers-apart',
      comment:
        "Connect, ksqlDB and Pinot are servers of their own: none imports another's code. What they share lives in embedded/common/ (HTTP, CLI, limits) or embedded/kafka-client/ (our Kafka client: a broker connection, an idempotent producer).",
      severity: 'error',
      from: { path: '^embedded/([^/]+)/' },
      to: { path: '^embedded/(connect|ksqldb|pinot)/', pathNot: '^embedded/$1/' },
    },
    {
      name: 'kafka-through-its-faces',
      comment: 'Outside the Kafka part (and its tests), code reaches it through embedded/kafka/index.ts (the cluster) or embedded/kafka/wire.ts (codec, frames, partitioner).',
      severity: 'error',
      from: { pathNot: '^(embedded/kafka|test)/' },
      to: { path: '^embedded/kafka/', pathNot: '^embedded/kafka/(index|wire)\\.ts$' },
    },
    {
      name: 'nothing-imports-the-tests',
      comment: 'Tests import the code; the code never imports the tests.',
      severity: 'error',
      from: { pathNot: '^test/' },
      to: { path: '^test/' },
    },
    {
      name: 'producers-know-only-config',
      comment: 'The producers are the start of the pipeline: they write to MySQL and Kafka and know nothing downstream.',
      severity: 'error',
      from: { path: '^producers/' },
      to: { path: '^(dashboard|ksql|pinot|scenarios|stack|bench|reference|embedded)/' },
    },
    {
      name: 'statements-and-tables-know-only-config',
      comment: "ksql/ (the statements) and pinot/ (tables, session feed) describe the pipeline's middle: nothing of the stack, the dashboard or the embedded servers.",
      severity: 'error',
      from: { path: '^(ksql|pinot)/' },
      to: { path: '^(dashboard|producers|scenarios|stack|bench|reference|embedded)/' },
    },
    {
      name: 'dashboard-reads-not-runs',
      comment: 'The dashboard reads Pinot and the health of the parts over their APIs; it never starts or imports the stack, the producers or an embedded server.',
      severity: 'error',
      from: { path: '^dashboard/' },
      to: { path: '^(producers|stack|bench|reference|embedded/(?!common/))' },
    },
    {
      name: 'config-is-the-bottom',
      comment: 'config/ is read by everything and reads nothing of the project.',
      severity: 'error',
      from: { path: '^config/' },
      to: { path: '^(dashboard|ksql|pinot|producers|scenarios|stack|bench|reference|embedded)/' },
    },
    {
      name: 'no-cycles-between-layers',
      comment: 'A cycle between modules of different top-level folders means a layer leans on one above it.',
      severity: 'error',
      from: { path: '^([^/]+)/' },
      to: { circular: true, pathNot: '^$1/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // TypeScript 7 has no JavaScript API for dependency-cruiser to parse with; swc reads the .ts files
    parser: 'swc',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.mjs', '.js', '.json'] },
  },
};
