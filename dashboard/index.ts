/**
 * The live dashboard: Express + socket.io. Every poll interval the server queries the Pinot broker once,
 * then reads the page-view topic's end offsets from Kafka (views produced, against the views Pinot counts
 * as joined), checks the components' health, and pushes one snapshot to every browser; a browser that
 * connects gets the latest snapshot at once. Read-only: GET/HEAD only, no endpoint changes data.
 *
 *   const dash = await startDashboard({ port: 8501, pinotBrokerUrl: 'http://127.0.0.1:8099', pollIntervalMs: 15000 });
 *   … dash.url …
 *   await dash.stop();
 */
import http from 'node:http';
import { Server as SocketServer } from 'socket.io';
import { checkHost, checkOrigin, type HttpGuardOptions } from '../embedded/common/http-guard.ts';
import { listen, urlHost } from '../embedded/common/http-server.ts';
import type { HttpAuth } from '../config/endpoints.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';
import { defaultHealthTargets, DEFAULT_HEALTH_TIMEOUT_MS, type HealthTarget } from './health.ts';
import { initialSnapshot, type PreviousTotals, type ProducedViewsSource, type Snapshot } from './snapshot.ts';
import { loadConfig } from '../config/index.ts';
import { dashboardSettings } from './settings.ts';
import { checkScenarioDashboard, initialScenarioSnapshot, type ScenarioSnapshot } from './scenario-panels.ts';
import type { ScenarioDashboard } from '../scenarios/scenario.ts';
import { createDashboardApp } from './http-app.ts';
import { pollPageview, pollScenarioPage, type PollSources } from './poll.ts';

export type { Snapshot, CountryBar, WindowPanel, WindowSeries, WindowPoint, Headline, DashboardState, ProducedViews } from './snapshot.ts';
export type { HealthTarget, HealthResult, HealthStatus, HealthCheckResult } from './health.ts';
export {
  connectHealthTarget,
  defaultHealthTargets,
  kafkaHealthTarget,
  ksqldbHealthTarget,
  mysqlHealthTarget,
  pinotHealthTarget,
  runHealthChecks,
  tcpHealthTarget,
} from './health.ts';
export { dashboardSettings, type DashboardSettings } from './settings.ts';

export interface DashboardOptions {
  /** Listen port (default: config DASHBOARD_PORT, 8501); 0 picks a free port. */
  port?: number;
  /** Bind address (default: config BIND_HOST, 127.0.0.1). */
  host?: string;
  /** Pinot broker base URL (default: PINOT_BROKER_URL or http://127.0.0.1:8099). */
  pinotBrokerUrl?: string;
  /** The Pinot broker's credentials (default: config's PINOT_AUTH_TOKEN / PINOT_BASIC_AUTH_*, when other defaults are read). */
  pinotAuth?: HttpAuth;
  /** TLS / SASL of the Kafka cluster the produced count is read from (default: config's, PLAINTEXT). */
  kafkaSecurity?: KafkaSecurity;
  /** Applied to every log line and /api/health answer (default: config's passwords and tokens replaced by ***). */
  redact?: (text: string) => string;
  /** Poll period (default: config DASHBOARD_POLL_MS, 15000). */
  pollIntervalMs?: number;
  /** The health strip's checks (default: Kafka, Connect, ksqlDB, Pinot, MySQL from config/env). */
  healthTargets?: HealthTarget[];
  /** Per health check timeout (default 2000 ms). */
  healthTimeoutMs?: number;
  /**
   * Kafka bootstrap servers to read the produced page views from (end offsets of the page-view topic).
   * Default: those of the Kafka health target (kafkaHealthTarget), so the check and the count see the same
   * cluster; with neither, the produced count is unknown and the page says so.
   */
  kafkaBootstrap?: readonly string[];
  /** The page-view topic (default: config topics.pageview, TOPIC_PAGEVIEW, topic1_PageView). */
  pageviewTopic?: string;
  /** Countries shown before the rest is grouped as "Other" (default 10). */
  topN?: number;
  /** Timeout of each Pinot query (default: the poll interval, between 1 and 10 s). */
  queryTimeoutMs?: number;
  /** Longest retry delay while Pinot fails (default: 8 x poll interval, at most 60 s, at least the poll interval). */
  maxBackoffMs?: number;
  /**
   * A scenario's panels: the page at `/` draws them (dashboard/public/scenario.html) instead of the
   * PageView page, and `/api/scenario` serves them.
   */
  scenarioDashboard?: ScenarioDashboard;
  /** Host names answered besides localhost, IP addresses and `host` (default: config ALLOWED_HOSTS); others get 403. */
  allowedHosts?: readonly string[];
  /** Page origins whose socket.io connections are accepted besides the dashboard's own (default: config ALLOWED_ORIGINS). */
  allowedOrigins?: readonly string[];
  /** One line per event/problem; default console.log with a `[dashboard]` prefix. */
  log?: (line: string) => void;
}

export interface DashboardHandle {
  url: string;
  port: number;
  /** The latest snapshot (what /api/snapshot serves). */
  snapshot(): Snapshot;
  /** Polls now (outside the schedule) and pushes the result; resolves with the new snapshot. */
  pollNow(): Promise<Snapshot>;
  stop(): Promise<void>;
}

export { CONTENT_SECURITY_POLICY } from './http-app.ts';

export function backoffDelay(failures: number, pollIntervalMs: number, maxBackoffMs: number): number {
  if (failures <= 0) return pollIntervalMs;
  return Math.min(pollIntervalMs * 2 ** Math.min(failures - 1, 20), Math.max(pollIntervalMs, maxBackoffMs));
}

/** The options settled: what was given, the rest from config/ (read only when something is missing). */
interface ResolvedOptions {
  host: string;
  port: number;
  pollIntervalMs: number;
  topN: number;
  maxBackoffMs: number;
  redact: (text: string) => string;
  log: (line: string) => void;
  guard: HttpGuardOptions;
  pageviewTopic: string;
  sources: PollSources;
}

function resolveOptions(options: DashboardOptions): ResolvedOptions {
  const needDefaults =
    options.port === undefined ||
    options.host === undefined ||
    options.pinotBrokerUrl === undefined ||
    options.pollIntervalMs === undefined ||
    options.healthTargets === undefined ||
    options.allowedHosts === undefined ||
    options.allowedOrigins === undefined;
  const settings = needDefaults ? dashboardSettings() : undefined;
  const host = options.host ?? settings!.host;
  const pinotBrokerUrl = (options.pinotBrokerUrl ?? settings!.pinotBrokerUrl).replace(/\/+$/, '');
  const pollIntervalMs = Math.max(50, options.pollIntervalMs ?? settings!.pollIntervalMs);
  const topN = Math.max(1, options.topN ?? 10);
  const queryTimeoutMs = options.queryTimeoutMs ?? Math.min(10_000, Math.max(1_000, pollIntervalMs));
  const maxBackoffMs = options.maxBackoffMs ?? Math.min(60_000, 8 * pollIntervalMs);
  const healthTimeoutMs = options.healthTimeoutMs ?? DEFAULT_HEALTH_TIMEOUT_MS;
  const redact = options.redact ?? settings?.redact ?? ((text: string) => text);
  const pinotAuth = options.pinotAuth ?? settings?.auth.pinotBroker;
  const kafkaSecurity = options.kafkaSecurity ?? settings?.kafkaSecurity;
  const logLine = options.log ?? ((line: string) => console.log(`[dashboard] ${line}`));
  const log = (line: string) => logLine(redact(line));
  const guard: HttpGuardOptions = {
    bindHost: host,
    allowedHosts: options.allowedHosts ?? settings!.allowedHosts,
    allowedOrigins: options.allowedOrigins ?? settings!.allowedOrigins,
  };
  const healthTargets =
    options.healthTargets ??
    defaultHealthTargets({
      pinotBrokerUrl,
      pinotControllerUrl: settings!.pinotControllerUrl,
      ksqldbUrl: settings!.ksqldbUrl,
      connectUrl: settings!.connectUrl,
      kafkaBootstrap: settings!.kafkaBootstrap,
      kafkaSecurity: settings!.kafkaSecurity,
      auth: { ...settings!.auth, pinotBroker: pinotAuth },
      mysql: settings!.mysql,
    });
  const pageviewTopic = options.pageviewTopic ?? settings?.pageviewTopic ?? loadConfig().topics.pageview;
  const kafkaBootstrap = options.kafkaBootstrap ?? healthTargets.find((t) => t.kafkaBootstrap !== undefined)?.kafkaBootstrap;
  const producedSource: ProducedViewsSource | undefined = kafkaBootstrap && { bootstrap: kafkaBootstrap, security: kafkaSecurity, topic: pageviewTopic };
  const sources: PollSources = {
    pinotBrokerUrl,
    pinotAuth,
    queryTimeoutMs,
    healthTargets,
    healthTimeoutMs,
    producedSource,
    log,
  };
  return {
    host,
    port: options.port ?? settings!.port,
    pollIntervalMs,
    topN,
    maxBackoffMs,
    redact,
    log,
    guard,
    pageviewTopic,
    sources,
  };
}

export async function startDashboard(options: DashboardOptions = {}): Promise<DashboardHandle> {
  const { host, port: wantedPort, pollIntervalMs, topN, maxBackoffMs, redact, log, guard, pageviewTopic, sources } = resolveOptions(options);
  const scenarioDashboard = options.scenarioDashboard;
  if (scenarioDashboard) checkScenarioDashboard(scenarioDashboard);
  let scenarioCurrent: ScenarioSnapshot | undefined = scenarioDashboard && initialScenarioSnapshot(scenarioDashboard);
  const outgoingScenario = () => ({
    ...scenarioCurrent!,
    health: current.health,
    healthCheckedAt: current.healthCheckedAt,
    serverTime: Date.now(),
    nextPollAt: current.nextPollAt,
    pollIntervalMs,
  });

  let current = initialSnapshot(pollIntervalMs, topN, pageviewTopic);
  let previousTotals: PreviousTotals | undefined;
  let problems = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<Snapshot> | undefined;

  /** The snapshot as sent: with the server's clock, so browsers count down correctly whatever their clock says. */
  const outgoing = (): Snapshot & { serverTime: number } => ({ ...current, serverTime: Date.now() });

  const app = createDashboardApp(guard, {
    page: scenarioDashboard ? 'scenario.html' : 'index.html',
    snapshot: outgoing,
    scenario: () => (scenarioCurrent ? outgoingScenario() : undefined),
    // Through the redactor: a component's detail may quote an answer that echoes a credential.
    healthJson: () =>
      redact(
        JSON.stringify({
          dashboard: 'up',
          pinot: {
            state: current.state,
            stale: current.stale,
            error: current.error,
            updatedAt: current.updatedAt,
            attemptedAt: current.attemptedAt,
            nextPollAt: current.nextPollAt,
            failures: current.failures,
            problems,
          },
          components: current.health,
          checkedAt: current.healthCheckedAt,
        }),
      ),
  });

  const server = http.createServer(app);
  const io = new SocketServer(server, {
    serveClient: false,
    path: '/socket.io',
    // WebSockets are not covered by CORS: refuse pages of other origins (no Origin header: scripts, allowed)
    // and names that are not the dashboard's (DNS rebinding), on the handshake and on a direct WebSocket.
    allowRequest: (req, callback) => callback(null, !checkHost(req, guard) && !checkOrigin(req, guard, true)),
  });
  io.on('connection', (socket) => {
    socket.emit('snapshot', outgoing());
    if (scenarioCurrent) socket.emit('scenario', outgoingScenario());
    // Browsers only listen; anything they send is ignored.
  });

  const pollOnce = async (): Promise<Snapshot> => {
    if (scenarioDashboard) {
      const polled = await pollScenarioPage(sources, current, scenarioCurrent!, scenarioDashboard);
      scenarioCurrent = polled.scenario;
      return polled.next;
    }
    const polled = await pollPageview(sources, current, previousTotals);
    previousTotals = polled.totals;
    if (polled.failed) problems++;
    return polled.next;
  };

  const schedule = (delayMs: number) => {
    if (stopped) return;
    clearTimeout(timer);
    current = { ...current, nextPollAt: Date.now() + delayMs };
    timer = setTimeout(() => void runPoll(), delayMs);
  };

  const runPoll = (): Promise<Snapshot> => {
    if (inFlight) return inFlight;
    clearTimeout(timer);
    inFlight = (async () => {
      try {
        const next = await pollOnce();
        if (stopped) return next;
        current = next;
        schedule(backoffDelay(current.failures, pollIntervalMs, maxBackoffMs));
        io.emit('snapshot', outgoing());
        if (scenarioCurrent) io.emit('scenario', outgoingScenario());
        return current;
      } catch (error) {
        // pollOnce catches its own failures; this is a bug guard so the loop never dies.
        problems++;
        log(`poll crashed: ${(error as Error).stack ?? String(error)}`);
        schedule(pollIntervalMs);
        return current;
      } finally {
        inFlight = undefined;
      }
    })();
    return inFlight;
  };

  const port = await listen(server, wantedPort, host);
  void runPoll();

  let stopping: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    snapshot: () => current,
    pollNow: () => runPoll(),
    stop() {
      stopping ??= (async () => {
        stopped = true;
        clearTimeout(timer);
        io.disconnectSockets(true);
        await new Promise<void>((resolve) => {
          io.close(() => resolve());
          server.closeAllConnections();
        });
        await inFlight?.catch(() => undefined);
      })();
      return stopping;
    },
  };
}
