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
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { Server as SocketServer } from 'socket.io';
import { checkHost, checkOrigin, type HttpGuardOptions } from '../embedded/common/http-guard.ts';
import type { HttpAuth } from '../config/endpoints.ts';
import type { KafkaSecurity } from '../config/kafka-security.ts';
import { defaultHealthTargets, runHealthChecks, DEFAULT_HEALTH_TIMEOUT_MS, type HealthResult, type HealthTarget } from './health.ts';
import {
  failureSnapshot, initialSnapshot, queryPinot, queryProducedViews, successSnapshot, type PreviousTotals, type ProducedViewsSource, type Snapshot,
} from './snapshot.ts';
import { loadConfig } from '../config/index.ts';
import { dashboardSettings } from './settings.ts';
import { checkScenarioDashboard, initialScenarioSnapshot, pollScenario, type ScenarioSnapshot } from './scenario-panels.ts';
import type { ScenarioDashboard } from '../scenarios/scenario.ts';

export type { Snapshot, CountryBar, WindowPanel, WindowSeries, WindowPoint, Headline, DashboardState, ProducedViews } from './snapshot.ts';
export type { HealthTarget, HealthResult, HealthStatus, HealthCheckResult } from './health.ts';
export {
  connectHealthTarget, defaultHealthTargets, kafkaHealthTarget, ksqldbHealthTarget, mysqlHealthTarget, pinotHealthTarget, runHealthChecks, tcpHealthTarget,
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

const here = path.dirname(fileURLToPath(import.meta.url));
const PUBLIC_DIR = path.join(here, 'public');

function vendorFiles(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const chartDir = path.dirname(require.resolve('chart.js'));
  const socketIoDir = path.join(path.dirname(require.resolve('socket.io')), '..', 'client-dist');
  const files = {
    'chart.umd.js': path.join(chartDir, 'chart.umd.js'),
    'socket.io.min.js': path.join(socketIoDir, 'socket.io.min.js'),
  };
  for (const file of Object.values(files)) {
    if (!fs.existsSync(file)) throw new Error(`dashboard: ${file} is missing; run npm install`);
  }
  return files;
}

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

export function backoffDelay(failures: number, pollIntervalMs: number, maxBackoffMs: number): number {
  if (failures <= 0) return pollIntervalMs;
  return Math.min(pollIntervalMs * 2 ** Math.min(failures - 1, 20), Math.max(pollIntervalMs, maxBackoffMs));
}

function listen(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startDashboard(options: DashboardOptions = {}): Promise<DashboardHandle> {
  const needDefaults = options.port === undefined || options.host === undefined || options.pinotBrokerUrl === undefined
    || options.pollIntervalMs === undefined || options.healthTargets === undefined
    || options.allowedHosts === undefined || options.allowedOrigins === undefined;
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
  const healthTargets = options.healthTargets ?? defaultHealthTargets({
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
  const vendor = vendorFiles();
  const scenarioDashboard = options.scenarioDashboard;
  if (scenarioDashboard) checkScenarioDashboard(scenarioDashboard);
  let scenarioCurrent: ScenarioSnapshot | undefined = scenarioDashboard && initialScenarioSnapshot(scenarioDashboard);
  const outgoingScenario = () => ({ ...scenarioCurrent!, health: current.health, healthCheckedAt: current.healthCheckedAt, serverTime: Date.now(), nextPollAt: current.nextPollAt, pollIntervalMs });

  let current = initialSnapshot(pollIntervalMs, topN, pageviewTopic);
  let previousTotals: PreviousTotals | undefined;
  let problems = 0;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<Snapshot> | undefined;

  /** The snapshot as sent: with the server's clock, so browsers count down correctly whatever their clock says. */
  const outgoing = (): Snapshot & { serverTime: number } => ({ ...current, serverTime: Date.now() });

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((req, res, next) => {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const wrongHost = checkHost(req, guard);
    if (wrongHost) {
      res.status(wrongHost.status).json({ error: wrongHost.message });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      res.status(405).json({ error: 'read-only dashboard: only GET and HEAD' });
      return;
    }
    next();
  });
  app.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(PUBLIC_DIR, scenarioDashboard ? 'scenario.html' : 'index.html'));
  });
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/static', express.static(PUBLIC_DIR, { index: false, fallthrough: true, maxAge: 0 }));
  for (const [name, file] of Object.entries(vendor)) {
    app.get(`/vendor/${name}`, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.sendFile(file);
    });
  }
  app.get('/api/snapshot', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(outgoing());
  });
  app.get('/api/scenario', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    if (!scenarioCurrent) {
      res.status(404).json({ error: 'this dashboard shows the PageView pipeline; its data is at /api/snapshot' });
      return;
    }
    res.json(outgoingScenario());
  });
  app.get('/api/health', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    // Through the redactor: a component's detail may quote an answer that echoes a credential.
    res.type('application/json').send(redact(JSON.stringify({
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
    })));
  });
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such endpoint; try /api/snapshot or /api/health' });
  });
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found');
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

  const pollScenarioOnce = async (): Promise<Snapshot> => {
    const [next, health] = await Promise.all([
      pollScenario(pinotBrokerUrl, scenarioCurrent!, scenarioDashboard!, queryTimeoutMs, Date.now(), pinotAuth),
      runHealthChecks(healthTargets, healthTimeoutMs).catch((): HealthResult[] => []),
    ]);
    scenarioCurrent = next;
    const now = Date.now();
    const failed = next.panels.filter((p) => p.state === 'error');
    const snapshot: Snapshot = failed.length > 0 && failed.length === next.panels.length
      ? failureSnapshot(current, failed[0]!.error ?? 'Pinot failed', now)
      : { ...current, state: 'ok', stale: false, error: null, updatedAt: now, attemptedAt: now, failures: 0 };
    if (snapshot.state === 'error' && current.state !== 'error') log(`poll failed: ${snapshot.error}; keeping last data, retrying with back-off`);
    snapshot.health = health;
    snapshot.healthCheckedAt = now;
    return snapshot;
  };

  const pollOnce = async (): Promise<Snapshot> => {
    if (scenarioDashboard) return pollScenarioOnce();
    // Pinot first, then Kafka: every view Pinot counts was produced before the offsets are read, so
    // produced >= joined and the difference is what the join dropped (plus views still in flight).
    const [outcome, health] = await Promise.all([
      queryPinot(pinotBrokerUrl, queryTimeoutMs, pinotAuth).then(
        async (data) => ({ data, produced: await queryProducedViews(producedSource, queryTimeoutMs) }),
        (error: Error) => ({ error }),
      ),
      runHealthChecks(healthTargets, healthTimeoutMs).catch((): HealthResult[] => []),
    ]);
    const now = Date.now();
    let next: Snapshot;
    if ('data' in outcome) {
      next = successSnapshot(current, outcome.data, now, previousTotals, outcome.produced);
      previousTotals = { totalViews: next.headline.totalViews, viewsProduced: next.headline.viewsProduced, at: now };
      if (next.headline.viewsNote !== current.headline.viewsNote && next.headline.viewsNote) log(`page view counts: ${next.headline.viewsNote}`);
      if (current.state === 'error') log(`Pinot answers again (${pinotBrokerUrl}); data refreshed`);
    } else {
      const message = outcome.error?.message ?? String(outcome.error);
      next = failureSnapshot(current, message, now);
      problems++;
      if (current.state !== 'error' || current.error !== message) log(`poll failed: ${message}; keeping last data, retrying with back-off`);
    }
    next.health = health;
    next.healthCheckedAt = now;
    return next;
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

  const port = await listen(server, options.port ?? settings!.port, host);
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
