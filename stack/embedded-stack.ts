/**
 * The embedded stack in one process: MySQL (found or private), a 3-broker Kafka cluster, Kafka
 * Connect, ksqlDB, Pinot and the dashboard, then the bootstrap (through public APIs only, exactly as
 * in docker mode), then optionally the producers. Everything keeps its state under `dataDir`, so a
 * restart resumes where the last run stopped. Connect and ksqlDB run on threads of their own and Pinot in
 * a child process, each with its own heap limit, under a supervisor that starts a part again when it dies
 * (supervisor.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { type AppConfig, pinotLimits } from '../config/index.ts';
import { openControlSocket, startKafkaCluster, type KafkaCluster } from '../embedded/kafka/index.ts';
import { startSessionFeeds, type SessionFeeds } from '../pinot/session-feed.ts';
import { startDashboard, type DashboardHandle } from '../dashboard/index.ts';
import { defaultHealthTargets } from '../dashboard/health.ts';
import { getScenario, type Scenario } from '../scenarios/index.ts';
import { bootstrap, connectorMysqlFor, type BootstrapStep, type BootstrapTargets } from './bootstrap.ts';
import type { MariaDbServer } from './mariadb.ts';
import { ksqldbPart, type KsqlDbInfo } from './ksqldb-worker.ts';
import { connectPart, type ConnectInfo } from './connect-worker.ts';
import { pinotPart, type PinotInfo } from './pinot-worker.ts';
import { openStackControl } from './control-socket.ts';
import { createSupervisor, type SupervisedPart, type Supervisor } from './supervisor.ts';
import { resolveMysql } from './mysql.ts';

export interface EmbeddedStackOptions {
  config: AppConfig;
  dataDir: string;
  /** Bind every service to a free port instead of the configured ones (tests). */
  freePorts?: boolean;
  /** The pipeline to bootstrap and show on the dashboard (default: PageView). */
  scenario?: Scenario;
  log?: (line: string) => void;
}

export interface EmbeddedStack {
  mysql: MariaDbServer;
  kafka: KafkaCluster;
  /** Kafka Connect on its own thread under the supervisor; its URL stays the same across restarts */
  connect: ConnectInfo & { part: SupervisedPart<ConnectInfo> };
  /** ksqlDB on its own thread under the supervisor; its URL stays the same across restarts */
  ksqldb: KsqlDbInfo & { part: SupervisedPart<KsqlDbInfo> };
  /** restarts the parts that run on threads or in processes of their own when one dies (stack/supervisor.ts) */
  supervisor: Supervisor;
  /** Pinot in a child process under the supervisor; its URLs stay the same across restarts */
  pinot: PinotInfo & { part: SupervisedPart<PinotInfo> };
  /** The scenario's session feeds (ksqlDB session tables -> Pinot, with merged-away sessions deleted). */
  sessionFeeds: SessionFeeds;
  dashboard: DashboardHandle;
  scenario: Scenario;
  targets: BootstrapTargets;
  bootstrapSteps: BootstrapStep[];
  startedInMs: number;
  stop(): Promise<void>;
}

export async function startEmbeddedStack(options: EmbeddedStackOptions): Promise<EmbeddedStack> {
  const { config } = options;
  const scenario = options.scenario ?? getScenario();
  const log = options.log ?? (() => {});
  const started = Date.now();
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const port = (configured: number) => (options.freePorts ? 0 : configured);
  const stops: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log(`stack: stopping failed: ${(error as Error).message}`);
      }
    }
    stops.length = 0;
  };
  const starting: Starting = { config, dataDir, port, log, stops, started };

  try {
    const mysql = await resolveMysql(config, dataDir, { port: options.freePorts ? 0 : undefined, log });
    stops.push(() => mysql.stop());
    log(`MySQL ready (${Date.now() - started} ms)`);

    const kafka = await startStackKafka(starting);
    const bootstrapServers = kafka.bootstrap();

    // Parts on threads of their own, each with its own heap limit, started again when one dies; each
    // change refreshes the dashboard's health strip (a poll already running may predate the change: then
    // one more after it).
    let dashboardRef: DashboardHandle | undefined;
    const supervisor = createSupervisor({
      policy: config.supervisor,
      log,
      onChange: () => void dashboardRef?.pollNow().then(() => dashboardRef?.pollNow()),
      heapTrim: { intervalMs: config.memory.heapTrimIntervalMs, slackMb: config.memory.heapTrimSlackMb },
    });
    const { connect, ksqldb, pinot } = await startSupervisedParts(starting, supervisor, bootstrapServers);

    const dashboard = await startDashboard({
      port: port(config.ports.dashboard),
      host: config.bindHost,
      pinotBrokerUrl: pinot.brokerUrl,
      pollIntervalMs: config.dashboard.pollIntervalMs,
      healthTargets: defaultHealthTargets({
        kafkaBootstrap: bootstrapServers.split(','),
        connectUrl: connect.url,
        ksqldbUrl: ksqldb.url,
        pinotControllerUrl: pinot.controllerUrl,
        pinotBrokerUrl: pinot.brokerUrl,
        mysql: { url: mysql.url },
        kafkaStorageProblems: () => kafka.storage.problems(),
        dataDir,
        supervised: (name) => supervisor.status(name),
      }),
      scenarioDashboard: scenario.dashboard?.(config),
      allowedHosts: config.http.allowedHosts,
      allowedOrigins: config.http.allowedOrigins,
      log: () => {},
    });
    stops.push(() => dashboard.stop());
    dashboardRef = dashboard;
    log(`Dashboard ready: ${dashboard.url}`);

    const targets: BootstrapTargets = {
      mode: 'embedded',
      kafkaBootstrap: bootstrapServers.split(','),
      mysqlUrl: mysql.url,
      connectorMysql: connectorMysqlFor(mysql.url),
      connectUrl: connect.url,
      debeziumConnectUrl: connect.url,
      ksqldbUrl: ksqldb.url,
      pinotControllerUrl: pinot.controllerUrl,
      pinotBrokerList: bootstrapServers,
    };
    const bootstrapSteps = await bootstrap(config, targets, { scenario, log });
    const sessionFeeds = await startSessionFeeds({ brokers: targets.kafkaBootstrap, feeds: scenario.sessionFeeds?.(config) ?? [], log });
    stops.push(() => sessionFeeds.stop());
    const startedInMs = Date.now() - started;
    return { mysql, kafka, connect, ksqldb, supervisor, pinot, sessionFeeds, dashboard, scenario, targets, bootstrapSteps, startedInMs, stop: stopAll };
  } catch (error) {
    await stopAll();
    throw error;
  }
}

/** What each start step of the stack reads, and `stops`, where it registers how to stop what it started. */
interface Starting {
  config: AppConfig;
  dataDir: string;
  /** the port to bind: the configured one, or 0 (any free port) */
  port: (configured: number) => number;
  log: (line: string) => void;
  stops: (() => Promise<void>)[];
  /** when the stack's start began (Date.now()) */
  started: number;
}

/** The Kafka cluster under DATA_DIR/kafka, with the control socket `npm run kafka -- stop-broker N` uses. */
async function startStackKafka({ config, dataDir, port, log, stops, started }: Starting): Promise<KafkaCluster> {
  const kafka = await startKafkaCluster({
    dataDir: path.join(dataDir, 'kafka'),
    brokers: config.kafka.brokerCount,
    firstPort: port(config.kafka.firstPort),
    host: config.bindHost,
    defaultPartitions: config.kafka.partitions,
    defaultReplicationFactor: config.kafka.replicationFactor,
    minInsyncReplicas: config.kafka.minInsyncReplicas,
    topicDefaults: retentionDefaults(config),
    ...config.kafka.limits,
    // its problems (a full disk, say) on the console; the rest of its events stay quiet
    problemLog: (line) => log(`Kafka: ${line}`),
  });
  stops.push(() => kafka.stop());
  // npm run kafka -- stop-broker N / start-broker N reach this cluster through its data directory
  const kafkaControl = await openControlSocket(kafka, path.join(dataDir, 'kafka'), log);
  stops.push(() => kafkaControl.close());
  log(`Kafka ready: ${kafka.bootstrap()} (${Date.now() - started} ms)`);
  return kafka;
}

/**
 * Connect's and ksqlDB's threads and Pinot's process, started at once under the supervisor (each loads
 * its own modules); a failed start stops the others. Pinot in a process of its own: DuckDB's bindings
 * abort the whole process when a thread is ended mid-call, and a native crash there must cost only Pinot.
 * ksqlDB's record cache on, as a ksqlDB server has it by default: tables emit their latest value per key
 * per commit instead of every intermediate update (Pinot upserts keep only the latest anyway).
 */
async function startSupervisedParts(
  { config, dataDir, port, log, stops }: Starting,
  supervisor: Supervisor,
  bootstrapServers: string,
): Promise<Pick<EmbeddedStack, 'connect' | 'ksqldb' | 'pinot'>> {
  // Who may talk to the HTTP servers besides localhost and IP addresses (ALLOWED_HOSTS, ALLOWED_ORIGINS).
  const { allowedHosts, allowedOrigins } = config.http;
  const [connectStart, ksqldbStart, pinotStart] = await Promise.allSettled([
    supervisor.start(
      connectPart({
        port: port(config.ports.connect),
        host: config.bindHost,
        bootstrap: bootstrapServers,
        allowedHosts,
        allowedOrigins,
        maxHeapMb: config.memory.connectMaxHeapMb,
      }),
    ),
    supervisor.start(
      ksqldbPart({
        port: port(config.ports.ksqldb),
        host: config.bindHost,
        bootstrap: bootstrapServers,
        properties: { 'ksql.streams.cache.max.bytes.buffering': '10000000' },
        youngGenerationMb: config.memory.ksqldbYoungGenerationMb,
        maxHeapMb: config.memory.ksqldbMaxHeapMb,
        allowedHosts,
        allowedOrigins,
      }),
    ),
    supervisor.start(
      pinotPart({
        controllerPort: port(config.ports.pinotController),
        brokerPort: port(config.ports.pinotBroker),
        host: config.bindHost,
        dataDir: path.join(dataDir, 'pinot'),
        ...pinotLimits(config),
        kafkaBootstrap: bootstrapServers,
        allowedHosts,
        allowedOrigins,
        maxHeapMb: config.memory.pinotMaxHeapMb,
      }),
    ),
  ]);
  const parts = [connectStart, ksqldbStart, pinotStart];
  for (const started of parts) if (started.status === 'fulfilled') stops.push(() => started.value.stop());
  for (const started of parts) if (started.status === 'rejected') throw started.reason;
  const connectThread = (connectStart as PromiseFulfilledResult<SupervisedPart<ConnectInfo>>).value;
  const ksqldbThread = (ksqldbStart as PromiseFulfilledResult<SupervisedPart<KsqlDbInfo>>).value;
  const connect = { ...connectThread.info(), part: connectThread };
  log(`Kafka Connect ready (own thread, heap limit ${config.memory.connectMaxHeapMb} MB): ${connect.url}`);
  const ksqldb = { ...ksqldbThread.info(), part: ksqldbThread };
  log(`ksqlDB ready (own thread, heap limit ${config.memory.ksqldbMaxHeapMb} MB): ${ksqldb.url}`);
  const pinotProcess = (pinotStart as PromiseFulfilledResult<SupervisedPart<PinotInfo>>).value;
  const pinot = { ...pinotProcess.info(), part: pinotProcess };
  // npm run chaos (or an operator) ends a part's thread or process through DATA_DIR's stack.sock
  const stackControl = await openStackControl(dataDir, supervisor, [connectThread, ksqldbThread, pinotProcess] as SupervisedPart<unknown>[], log);
  stops.push(() => stackControl.close());
  log(
    `Pinot ready (own process, pid ${pinotProcess.pid()}, heap limit ${config.memory.pinotMaxHeapMb || 'V8 default'} MB): controller ${pinot.controllerUrl}, broker ${pinot.brokerUrl}`,
  );
  return { connect, ksqldb, pinot };
}

/**
 * Retention of the stack's topics from config (KAFKA_RETENTION_HOURS, KAFKA_SEGMENT_MB). Segments also
 * roll after the retention time (at most Kafka's 7 days), so a short retention frees disk on quiet topics
 * too: only closed segments are ever deleted.
 */
export function retentionDefaults(config: AppConfig): Record<string, string> {
  const retentionMs = config.kafka.retentionHours * 3_600_000;
  return {
    'retention.ms': String(retentionMs),
    'segment.bytes': String(config.kafka.segmentMb * 1024 * 1024),
    'segment.ms': String(Math.min(retentionMs, 604_800_000)),
  };
}

export { topicEndOffset } from '../scenarios/topic-offsets.ts';
