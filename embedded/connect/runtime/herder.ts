/**
 * The herder: the service object behind the REST routes. It owns the connectors of this (single-worker)
 * cluster: validates and stores configs in connect-configs, runs connectors and their tasks, reports
 * states to connect-status, and keeps source offsets in connect-offsets. Mutations run one at a time.
 */
import type { Admin, Kafka, Producer } from 'kafkajs';
import { ConfigParseException, ConnectRestError, notFound } from '../errors.ts';
import { findConnectorPlugin, invalidConfigMessage, noSuchConnectorMessage, validateConnectorConfig, CONNECTOR_PLUGINS } from '../config/connector-config.ts';
import type { ConfigInfos } from '../config/config-def.ts';
import { createConverter, JSON_CONVERTER } from '../converters/index.ts';
import { buildTransformChain } from '../transforms/index.ts';
import { JdbcSourceConnector } from '../jdbc/source-connector.ts';
import { MYSQL_CDC_CLASS } from '../mysql-cdc/cdc-config.ts';
import { MySqlCdcConnector } from '../mysql-cdc/source-connector.ts';
import { ensureInternalTopics, InternalStores, SESSION_KEY_TTL_MS, type InternalTopicNames, type TargetState } from '../storage/internal-topics.ts';
import { javaTrace, type SourceConnector } from './source-task.ts';
import { WorkerSourceTask, type TaskState } from './worker-task.ts';
import type { RecordSender } from './record-sender.ts';

/** The connector of a (validated) config's class. */
function createConnector(config: Record<string, string>): SourceConnector {
  return findConnectorPlugin(String(config['connector.class']))?.className === MYSQL_CDC_CLASS ? new MySqlCdcConnector() : new JdbcSourceConnector();
}

function taskClassOf(config: Record<string, string>): string {
  return findConnectorPlugin(String(config['connector.class']))!.taskClass;
}

export interface HerderOptions {
  kafka: Kafka;
  /** A new producer for a task's records (record-sender.ts). */
  createSender: () => RecordSender;
  workerId: string;
  topics: InternalTopicNames;
  /** Worker-level converters (used when a connector config names none). Default JsonConverter, schemas.enable=true. */
  keyConverter?: { className: string; props: Record<string, string> };
  valueConverter?: { className: string; props: Record<string, string> };
  offsetFlushIntervalMs: number;
  shutdownGracefulTimeoutMs: number;
  internalPartitions?: { configs: number; offsets: number; status: number };
  log: (line: string) => void;
}

type ConnectorState = 'UNASSIGNED' | 'RUNNING' | 'PAUSED' | 'FAILED' | 'RESTARTING';

interface ConnectorRuntime {
  name: string;
  config: Record<string, string>;
  targetState: TargetState;
  state: ConnectorState;
  trace: string | null;
  connector: SourceConnector | undefined;
  taskConfigs: Record<string, string>[];
  tasks: WorkerSourceTask[];
}

export interface ConnectorInfo {
  name: string;
  config: Record<string, string>;
  tasks: { connector: string; task: number }[];
  type: 'source';
}

export interface StateEntry {
  state: string;
  worker_id: string;
  trace?: string;
}

export interface ConnectorStateInfo {
  name: string;
  connector: StateEntry;
  tasks: (StateEntry & { id: number })[];
  type: 'source';
}

export class Herder {
  private readonly runtimes = new Map<string, ConnectorRuntime>();
  private stores!: InternalStores;
  private producer!: Producer;
  private admin!: Admin;
  private queue: Promise<unknown> = Promise.resolve();
  private generation = 0;
  clusterId = '';

  private sessionKeyTimer: NodeJS.Timeout | undefined;

  constructor(private readonly o: HerderOptions) {}

  /** Creates the internal topics if missing, reads them, and starts the stored connectors. */
  async start(): Promise<void> {
    this.admin = this.o.kafka.admin();
    await this.admin.connect();
    this.clusterId = (await this.admin.describeCluster()).clusterId;
    await ensureInternalTopics(this.admin, this.o.topics, this.o.internalPartitions);
    this.producer = this.o.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    this.stores = new InternalStores(this.o.kafka, this.producer, this.o.topics);
    await this.stores.load(this.admin);
    await this.stores.ensureSessionKey();
    this.sessionKeyTimer = setInterval(() => {
      void this.stores.ensureSessionKey().catch((error: unknown) => this.o.log(`session key not written: ${(error as Error).message}`));
    }, SESSION_KEY_TTL_MS);
    this.sessionKeyTimer.unref();
    for (const [name, stored] of this.stores.connectors) {
      const runtime = this.newRuntime(name, stored.config, stored.targetState);
      this.runtimes.set(name, runtime);
      await this.startConnector(runtime);
    }
  }

  /** Stops every task (committing offsets unless `commitOffsets` is false) and closes the clients. */
  async stop(commitOffsets = true): Promise<void> {
    clearInterval(this.sessionKeyTimer);
    await this.serial(async () => {
      await Promise.all([...this.runtimes.values()].map((r) => this.stopTasks(r, commitOffsets)));
      await Promise.all([...this.runtimes.values()].map((r) => r.connector?.stop().catch(() => undefined)));
    });
    await this.producer?.disconnect().catch(() => undefined);
    await this.admin?.disconnect().catch(() => undefined);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private newRuntime(name: string, config: Record<string, string>, targetState: TargetState): ConnectorRuntime {
    return { name, config, targetState, state: 'UNASSIGNED', trace: null, connector: undefined, taskConfigs: [], tasks: [] };
  }

  connectors(): string[] {
    return [...this.runtimes.keys()].sort();
  }

  private runtime(name: string): ConnectorRuntime {
    const r = this.runtimes.get(name);
    if (!r) throw notFound(name);
    return r;
  }

  // ---- validation ----

  validate(className: string, config: Record<string, string>): ConfigInfos {
    const plugin = findConnectorPlugin(className);
    if (!plugin) throw new ConnectRestError(400, noSuchConnectorMessage(className));
    try {
      return validateConnectorConfig(plugin, config);
    } catch (error) {
      throw error instanceof ConfigParseException ? error.asValidateAnswer() : error;
    }
  }

  plugins(): { class: string; type: string; version: string }[] {
    return CONNECTOR_PLUGINS.map((p) => ({ class: p.className, type: p.type, version: p.version }));
  }

  private checkConfig(config: Record<string, string>): void {
    const className = config['connector.class'];
    if (className === undefined || className === null) {
      throw new ConnectRestError(400, `Connector config ${javaMap(config)} contains no connector type`);
    }
    const plugin = findConnectorPlugin(String(className));
    if (!plugin) throw new ConnectRestError(400, noSuchConnectorMessage(String(className)));
    let infos: ConfigInfos;
    try {
      infos = validateConnectorConfig(plugin, config);
    } catch (error) {
      throw error instanceof ConfigParseException ? error.asConfigAnswer() : error;
    }
    if (infos.error_count > 0) throw new ConnectRestError(400, invalidConfigMessage(infos));
  }

  // ---- info ----

  info(name: string): ConnectorInfo {
    const r = this.runtime(name);
    return { name, config: { ...r.config }, tasks: r.taskConfigs.map((_, i) => ({ connector: name, task: i })), type: 'source' };
  }

  config(name: string): Record<string, string> {
    return { ...this.runtime(name).config };
  }

  taskConfigs(name: string): { id: { connector: string; task: number }; config: Record<string, string> }[] {
    const r = this.runtime(name);
    return r.taskConfigs.map((config, i) => ({ id: { connector: name, task: i }, config: { ...config } }));
  }

  status(name: string): ConnectorStateInfo {
    const r = this.runtime(name);
    const connector: StateEntry = { state: r.state, worker_id: this.o.workerId };
    if (r.trace !== null) connector.trace = r.trace;
    return {
      name,
      connector,
      tasks: r.taskConfigs.map((_, id) => {
        const task = r.tasks[id];
        const entry: StateEntry & { id: number } = { id, state: task?.state ?? 'UNASSIGNED', worker_id: this.o.workerId };
        if (task?.trace) entry.trace = task.trace;
        return entry;
      }),
      type: 'source',
    };
  }

  /** Records sent and re-read rows skipped by the resume check, per task (for tests and logs). */
  taskCounters(name: string): { sent: number; skipped: number }[] {
    return this.runtime(name).tasks.map((t) => ({ sent: t.sent, skipped: t.skipped }));
  }

  taskStatus(name: string, id: number): StateEntry & { id: number } {
    const status = this.status(name);
    const task = status.tasks.find((t) => t.id === id);
    if (!task) throw new ConnectRestError(404, `No status found for task ${name}-${id}`);
    return task;
  }

  // ---- mutations ----

  /** POST /connectors (allowReplace=false) and PUT /connectors/{name}/config (true). */
  putConfig(name: string, config: Record<string, string>, allowReplace: boolean): Promise<{ created: boolean; info: ConnectorInfo }> {
    return this.serial(async () => {
      const existing = this.runtimes.get(name);
      if (existing && !allowReplace) throw new ConnectRestError(409, `Connector ${name} already exists`);
      this.checkConfig(config);
      if (existing) {
        await this.stopTasks(existing, true);
        await existing.connector?.stop().catch(() => undefined);
        existing.connector = undefined;
        existing.config = config;
        await this.stores.putConnector(name, config, existing.taskConfigs, existing.targetState);
        await this.startConnector(existing);
        return { created: false, info: this.info(name) };
      }
      const runtime = this.newRuntime(name, config, 'STARTED');
      await this.stores.putConnector(name, config, [], 'STARTED');
      this.runtimes.set(name, runtime);
      const info = this.info(name);
      void this.serial(() => this.startConnector(runtime));
      return { created: true, info };
    });
  }

  delete(name: string): Promise<void> {
    return this.serial(async () => {
      const r = this.runtime(name);
      await this.stopTasks(r, true);
      await r.connector?.stop().catch(() => undefined);
      this.runtimes.delete(name);
      await this.stores.removeConnector(name);
      await this.stores.putStatus(`status-connector-${name}`, null);
      await Promise.all(r.taskConfigs.map((_, i) => this.stores.putStatus(`status-task-${name}-${i}`, null)));
      await this.stores.resetActiveTopics(name);
    });
  }

  /** GET /connectors/{name}/topics: the topics the connector's tasks have written to since the last reset. */
  activeTopics(name: string): string[] {
    return [...(this.stores.activeTopics.get(name)?.keys() ?? [])].sort();
  }

  /** PUT /connectors/{name}/topics/reset. */
  resetActiveTopics(name: string): Promise<void> {
    return this.serial(async () => {
      await this.stores.resetActiveTopics(name);
    });
  }

  pause(name: string): Promise<void> {
    return this.serial(async () => {
      const r = this.runtime(name);
      if (r.targetState === 'PAUSED') return;
      r.targetState = 'PAUSED';
      await this.stores.putTargetState(name, 'PAUSED');
      if (r.state === 'RUNNING') this.setConnectorState(r, 'PAUSED', null);
      for (const t of r.tasks) t.pause();
    });
  }

  resume(name: string): Promise<void> {
    return this.serial(async () => {
      const r = this.runtime(name);
      if (r.targetState === 'STARTED') return;
      r.targetState = 'STARTED';
      await this.stores.putTargetState(name, 'STARTED');
      if (r.state === 'PAUSED') this.setConnectorState(r, 'RUNNING', null);
      for (const t of r.tasks) t.resume();
    });
  }

  /**
   * POST /connectors/{name}/restart. Without includeTasks/onlyFailed only the connector instance is
   * restarted (Connect's compatibility behaviour, answered 204); otherwise the returned state shows
   * RESTARTING for everything being restarted (answered 202).
   */
  restart(name: string, includeTasks: boolean, onlyFailed: boolean): Promise<ConnectorStateInfo> {
    return this.serial(async () => {
      const r = this.runtime(name);
      // with options, Connect records the request in the config topic for the leader (here: itself) to act on
      if (includeTasks || onlyFailed) await this.stores.putRestartRequest(name, includeTasks, onlyFailed);
      const restartConnector = !onlyFailed || r.state === 'FAILED';
      const taskIds = includeTasks
        ? r.tasks
            .map((t, i) => ({ t, i }))
            .filter(({ t }) => !onlyFailed || t.state === 'FAILED')
            .map(({ i }) => i)
        : [];
      const result = this.status(name);
      if (restartConnector) result.connector = { state: 'RESTARTING', worker_id: this.o.workerId };
      for (const id of taskIds) result.tasks[id] = { id, state: 'RESTARTING', worker_id: this.o.workerId };
      if (restartConnector) {
        if (taskIds.length === r.tasks.length) await this.stopTasks(r, true);
        else for (const id of taskIds) await this.restartTask(r, id);
        await r.connector?.stop().catch(() => undefined);
        r.connector = undefined;
        await this.startConnector(r, taskIds.length === r.tasks.length);
      } else {
        for (const id of taskIds) await this.restartTask(r, id);
      }
      return result;
    });
  }

  restartTaskById(name: string, id: number): Promise<void> {
    return this.serial(async () => {
      const r = this.runtime(name);
      if (id < 0 || id >= r.taskConfigs.length || !Number.isInteger(id)) throw new ConnectRestError(404, `Task ${name}-${id} not found`);
      await this.restartTask(r, id);
    });
  }

  // ---- running ----

  private setConnectorState(r: ConnectorRuntime, state: ConnectorState, trace: string | null): void {
    r.state = state;
    r.trace = trace;
    this.reportStatus(`status-connector-${r.name}`, state, trace);
  }

  private reportStatus(key: string, state: string, trace: string | null): void {
    if (state === 'RESTARTING') return;
    this.stores
      .putStatus(key, { state, trace, worker_id: this.o.workerId, generation: ++this.generation })
      .catch((error: unknown) => this.o.log(`status write ${key} failed: ${(error as Error).message}`));
  }

  /** Starts the connector; with `startTasks` (the default) (re)creates its tasks. */
  private async startConnector(r: ConnectorRuntime, startTasks = true): Promise<void> {
    if (!this.runtimes.has(r.name)) return;
    const connector = createConnector(r.config);
    const context = {
      requestTaskReconfiguration: (): void => {
        void this.serial(() => this.reconfigure(r, connector)).catch((error: unknown) =>
          this.o.log(`connector ${r.name}: reconfiguration failed: ${(error as Error).message}`),
        );
      },
    };
    try {
      await connector.start(r.config, context);
      r.connector = connector;
      const maxTasks = Math.max(1, Number(r.config['tasks.max'] ?? 1));
      const taskConfigs = connector.taskConfigs(maxTasks).map((c) => ({ ...c, 'task.class': taskClassOf(r.config) }));
      const changed = JSON.stringify(taskConfigs) !== JSON.stringify(r.taskConfigs);
      this.setConnectorState(r, r.targetState === 'PAUSED' ? 'PAUSED' : 'RUNNING', null);
      if (changed) {
        await this.stopTasks(r, true);
        r.taskConfigs = taskConfigs;
        await this.stores.putConnector(r.name, r.config, taskConfigs, r.targetState);
        startTasks = true;
      }
      if (startTasks || r.tasks.length !== r.taskConfigs.length) {
        await this.stopTasks(r, true);
        r.tasks = r.taskConfigs.map((_, i) => this.createTask(r, i));
        for (const t of r.tasks) t.start();
      }
    } catch (error) {
      this.o.log(`connector ${r.name} failed: ${(error as Error).message}`);
      this.setConnectorState(r, 'FAILED', javaTrace(error));
    }
  }

  /** The connector asked for its task configs to be read again: stored and its tasks restarted when they changed. */
  private async reconfigure(r: ConnectorRuntime, connector: SourceConnector): Promise<void> {
    if (this.runtimes.get(r.name) !== r || r.connector !== connector || (r.state !== 'RUNNING' && r.state !== 'PAUSED')) return;
    const maxTasks = Math.max(1, Number(r.config['tasks.max'] ?? 1));
    const taskConfigs = connector.taskConfigs(maxTasks).map((c) => ({ ...c, 'task.class': taskClassOf(r.config) }));
    if (JSON.stringify(taskConfigs) === JSON.stringify(r.taskConfigs)) return;
    this.o.log(`connector ${r.name}: task configs changed, restarting its tasks`);
    await this.stopTasks(r, true);
    r.taskConfigs = taskConfigs;
    await this.stores.putConnector(r.name, r.config, taskConfigs, r.targetState);
    r.tasks = r.taskConfigs.map((_, i) => this.createTask(r, i));
    for (const t of r.tasks) t.start();
  }

  private async restartTask(r: ConnectorRuntime, id: number): Promise<void> {
    await r.tasks[id]?.stop(true);
    r.tasks[id] = this.createTask(r, id);
    r.tasks[id].start();
  }

  private async stopTasks(r: ConnectorRuntime, commit: boolean): Promise<void> {
    const tasks = r.tasks;
    r.tasks = [];
    await Promise.all(tasks.map((t) => t.stop(commit)));
  }

  private createTask(r: ConnectorRuntime, id: number): WorkerSourceTask {
    const taskConfig = r.taskConfigs[id];
    const converter = (side: 'key' | 'value') => {
      const className = r.config[`${side}.converter`];
      if (className !== undefined) {
        const props: Record<string, string> = {};
        const prefix = `${side}.converter.`;
        for (const [k, v] of Object.entries(r.config)) if (k.startsWith(prefix)) props[k.slice(prefix.length)] = v;
        return createConverter(className.trim(), props);
      }
      const worker = side === 'key' ? this.o.keyConverter : this.o.valueConverter;
      return createConverter(worker?.className ?? JSON_CONVERTER, worker?.props ?? {});
    };
    const statusKey = `status-task-${r.name}-${id}`;
    const connector = r.connector ?? createConnector(r.config);
    return new WorkerSourceTask({
      connector: r.name,
      id,
      kafka: this.o.kafka,
      createSender: this.o.createSender,
      task: connector.createTask(taskConfig),
      transforms: buildTransformChain(r.config),
      keyConverter: converter('key'),
      valueConverter: converter('value'),
      offsetFlushIntervalMs: this.o.offsetFlushIntervalMs,
      shutdownGracefulTimeoutMs: this.o.shutdownGracefulTimeoutMs,
      startPaused: r.targetState === 'PAUSED',
      hooks: {
        onState: (state: TaskState, trace) => this.reportStatus(statusKey, state, trace),
        commitOffsets: (entries) => this.stores.commitOffsets(r.name, entries),
        offset: (partition) => this.stores.offset(r.name, partition),
        onTopic: (topic) => {
          if (this.stores.activeTopics.get(r.name)?.has(topic)) return;
          void this.stores
            .putActiveTopic(r.name, topic, id)
            .catch((error: unknown) => this.o.log(`active topic ${topic} of ${r.name} not recorded: ${(error as Error).message}`));
        },
        log: this.o.log,
      },
    });
  }
}

/** A config map as Java's HashMap.toString prints it, for Connect's "contains no connector type" message. */
function javaMap(config: Record<string, string>): string {
  return `{${Object.entries(config)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')}}`;
}
