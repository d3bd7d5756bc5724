/**
 * `npm run pinot -- [options]`: the embedded Pinot controller + broker in the foreground.
 * Ctrl-C stops it cleanly (consumers leave, the DuckDB file is checkpointed).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getConfig, pinotLimits } from '../../config/index.ts';
import { startPinot, type PinotHandle } from './index.ts';

const HELP = `Embedded Apache Pinot stand-in: controller REST + query console, broker, realtime tables from Kafka into DuckDB.

Usage: npm run pinot -- [options]

Options:
  --data-dir <dir>          where pinot.duckdb lives (default: $DATA_DIR/pinot, i.e. .data/pinot)
  --controller-port <port>  controller port (default: $PINOT_CONTROLLER_PORT or 9000)
  --broker-port <port>      broker port (default: $PINOT_BROKER_PORT or 8099)
  --host <address>          bind address (default: $BIND_HOST or 127.0.0.1)
  --bootstrap <host:port,…> Kafka brokers used instead of each table's stream.kafka.broker.list
                            (default: $KAFKA_BOOTSTRAP_SERVERS or the embedded cluster's 127.0.0.1:9092-9094)
  --table-broker-lists      do not override: connect to the broker list each table config names
  --create-tables           create the project's four schemas and tables (pinot/) if they are missing
  -h, --help                show this help

DuckDB's memory limit and threads are the stack's: $PINOT_MEMORY_LIMIT_MB (default 128) and $PINOT_THREADS (default 1).

Endpoints: controller /health, /schemas, /tables, /sql and the query console at /#/query;
broker POST /query/sql (Content-Type: application/json).
Requests must name the server by localhost, an IP address, the bind host or a name in $ALLOWED_HOSTS
(comma-separated), and browser pages of other origins may not change data unless $ALLOWED_ORIGINS lists them.
Ctrl-C stops.`;

function port(value: string | undefined, fallback: number, flag: string): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) {
    console.error(`${flag}: expected a port number 0-65535, got "${value}"`);
    process.exit(2);
  }
  return n;
}

async function createProjectTables(pinot: PinotHandle, bootstrap: string): Promise<void> {
  const { pinotTables } = await import('../../pinot/tables.ts');
  const config = getConfig();
  for (const table of pinotTables(config, { brokerList: bootstrap })) {
    if (!pinot.services.schemas.get(table.name)) {
      await pinot.services.schemas.add(table.schema);
      console.log(`[pinot] schema ${table.name} created`);
    }
    if (pinot.services.tables.find(table.name, 'REALTIME').length === 0) {
      await pinot.services.tables.add(table.tableConfig);
      console.log(`[pinot] table ${table.name}_REALTIME created (topic ${table.topic})`);
    } else {
      console.log(`[pinot] table ${table.name}_REALTIME already exists, unchanged`);
    }
  }
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        'data-dir': { type: 'string' },
        'controller-port': { type: 'string' },
        'broker-port': { type: 'string' },
        host: { type: 'string' },
        bootstrap: { type: 'string' },
        'table-broker-lists': { type: 'boolean' },
        'create-tables': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: false,
    });
  } catch (error) {
    console.error(`${(error as Error).message.split('\n')[0]} (see --help)`);
    process.exit(2);
  }
  const v = args.values;
  if (v.help) {
    console.log(HELP);
    return;
  }
  let config;
  try {
    config = getConfig();
  } catch (error) {
    console.error(`config: ${(error as Error).message}`);
    process.exit(2);
  }
  const dataDir = path.resolve(v['data-dir'] ?? path.join(config.dataDir, 'pinot'));
  const controllerPort = port(v['controller-port'], config.ports.pinotController, '--controller-port');
  const brokerPort = port(v['broker-port'], config.ports.pinotBroker, '--broker-port');
  const host = v.host ?? config.bindHost;
  const bootstrap = v.bootstrap ?? config.kafka.bootstrap.join(',');
  const kafkaBootstrap = v['table-broker-lists'] ? undefined : bootstrap;

  console.log(`[pinot] starting: data ${dataDir}, Kafka ${kafkaBootstrap ?? "(each table's broker list)"}`);
  let pinot: PinotHandle;
  try {
    pinot = await startPinot({
      controllerPort,
      brokerPort,
      host,
      dataDir,
      kafkaBootstrap,
      allowedHosts: config.http.allowedHosts,
      allowedOrigins: config.http.allowedOrigins,
      ...pinotLimits(config),
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') console.error(`[pinot] cannot listen: port in use (${e.message}); pick another with --controller-port / --broker-port`);
    else console.error(`[pinot] cannot start: ${e.message}`);
    process.exit(1);
  }
  if (v['create-tables']) await createProjectTables(pinot, bootstrap);
  const tables = pinot.services.tables.list();
  console.log(`[pinot] controller ${pinot.controllerUrl} (query console ${pinot.controllerUrl}/#/query)`);
  console.log(`[pinot] broker ${pinot.brokerUrl} (POST /query/sql)`);
  console.log(`[pinot] ${tables.length} table(s)${tables.length ? `: ${tables.join(', ')}` : ''}`);
  console.log('[pinot] ready; Ctrl-C stops');

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.log('[pinot] forced exit');
      process.exit(1);
    }
    stopping = true;
    console.log(`[pinot] ${signal}: stopping…`);
    pinot.stop().then(
      () => {
        console.log('[pinot] stopped');
        process.exit(0);
      },
      (error: Error) => {
        console.error(`[pinot] error while stopping: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

await main();
