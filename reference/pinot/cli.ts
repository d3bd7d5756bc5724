/**
 * `npm run pinot:reference -- [options]`: fetches Apache Pinot 0.11 with Maven (cached in .reference/pinot)
 * and runs a real cluster (ZooKeeper, controller, broker, server) in the foreground until Ctrl-C, which
 * stops server, broker, controller, then ZooKeeper. A test reference only; the product never needs it.
 */
import path from 'node:path';
import { parseCliArgs } from '../../embedded/common/cli/args.ts';
import { runCli, stopOnSignals } from '../../embedded/common/cli/runner.ts';
import { referencePrelude } from '../cli-prelude.ts';
import { DEFAULT_HEAP_MB, fetchReferencePinot, referencePinotLibDir, referencePinotVersion, startReferencePinot } from './index.ts';

const HELP = `Usage: npm run pinot:reference -- [options]

Runs REAL Apache Pinot ${referencePinotVersion()} (ZooKeeper, controller, broker, server: four JVMs on 127.0.0.1)
to compare the embedded Pinot with (test/conformance/pinot.test.ts). Needs Java 17 and, for the first run,
Maven with access to Maven Central. The jars (~200 MB) are fetched once into
${path.relative(process.cwd(), referencePinotLibDir())}.

Options:
  --controller-port PORT   controller REST port (default 0: a free port)
  --broker-port PORT       broker query port (default 0: a free port)
  --zk-port PORT           ZooKeeper port (default 0: a free port)
  --data-dir DIR           where the roles keep data and logs (default: a temp dir, removed on stop)
  --fetch-only             only fetch the jars, then exit (CI)
  -h, --help               show this help

Heaps (MiB): ZooKeeper ${DEFAULT_HEAP_MB.zookeeper}, controller ${DEFAULT_HEAP_MB.controller}, broker ${DEFAULT_HEAP_MB.broker}, server ${DEFAULT_HEAP_MB.server}.
Start-up takes about 45 s on 2 cores. Then, for example:
  curl http://127.0.0.1:CONTROLLER/tables
  curl -X POST http://127.0.0.1:BROKER/query/sql -H 'content-type: application/json' -d '{"sql":"SELECT 1"}'`;

async function main(): Promise<void> {
  const args = parseCliArgs(
    process.argv.slice(2),
    {
      'controller-port': 'port',
      'broker-port': 'port',
      'zk-port': 'port',
      'data-dir': 'string',
      'fetch-only': 'boolean',
      help: 'boolean',
    },
    { h: 'help' },
  );
  const log = await referencePrelude('pinot-reference', HELP, args, async (log) => `jars in ${await fetchReferencePinot(log)}`);
  if (!log) return;
  const dataDir = args.flags['data-dir'] as string | undefined;
  const pinot = await startReferencePinot({
    log,
    dataDir: dataDir === undefined ? undefined : path.resolve(dataDir),
    ports: {
      controller: args.flags['controller-port'] as number | undefined,
      broker: args.flags['broker-port'] as number | undefined,
      zookeeper: args.flags['zk-port'] as number | undefined,
    },
  });
  console.log(`reference Pinot ${pinot.version}: up in ${pinot.startupMs} ms, data in ${pinot.dataDir}`);
  for (const p of pinot.processes) console.log(`  ${p.role.padEnd(10)} 127.0.0.1:${p.port} (pid ${p.pid}, log ${p.logFile})`);
  console.log(`controller: ${pinot.controllerUrl}`);
  console.log(`broker:     ${pinot.brokerUrl}`);
  console.log(`zookeeper:  ${pinot.zkAddress}`);
  console.log('Ctrl-C to stop (server, broker, controller, then ZooKeeper)');
  stopOnSignals('pinot-reference', () => pinot.stop());
}

runCli('pinot-reference', main);
