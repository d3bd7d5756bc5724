/**
 * `npm run dashboard -- [options]`: the live dashboard in the foreground. Ctrl-C stops it cleanly.
 */
import { redactEnv } from '../config/redact.ts';
import { CliUsageError, parseCliArgs } from '../embedded/common/cli/args.ts';
import { dashboardSettings, type DashboardSettings } from './settings.ts';
import { startDashboard, type DashboardHandle } from './index.ts';

const HELP = `Live dashboard: Express + socket.io + Chart.js, fed by the Pinot broker.

Usage: npm run dashboard -- [options]

Options:
  --port <port>          listen port (default: $DASHBOARD_PORT or 8501; 0 picks a free port)
  --host <address>       bind address (default: $BIND_HOST or 127.0.0.1)
  --pinot-broker <URL>   Pinot broker (default: $PINOT_BROKER_URL or http://127.0.0.1:8099)
  --poll-ms <ms>         how often to query Pinot and push to browsers (default: $DASHBOARD_POLL_MS or 15000)
  --top <n>              countries shown before the rest is grouped as "Other" (default 10)
  -h, --help             show this help

Health strip: Kafka ($KAFKA_BOOTSTRAP_SERVERS, $KAFKA_SECURITY_PROTOCOL), Connect ($CONNECT_URL),
ksqlDB ($KSQLDB_URL), Pinot ($PINOT_CONTROLLER_URL + broker), MySQL ($MYSQL_URL or $MYSQL_HOST/$MYSQL_PORT).
Credentials (external mode, see README): $CONNECT_BASIC_AUTH_USER/_PASSWORD, $KSQLDB_BASIC_AUTH_USER/_PASSWORD,
$PINOT_AUTH_TOKEN or $PINOT_BASIC_AUTH_USER/_PASSWORD; they are never printed, and /api/health shows none.
Views produced: end offsets of $TOPIC_PAGEVIEW (topic1_PageView) on $KAFKA_BOOTSTRAP_SERVERS; views
joined: sum of view_count in Pinot's pageview_country; the difference is what the join dropped.
Endpoints: / (the page), /api/snapshot, /api/health (read-only JSON). Requests must name the dashboard by
localhost, an IP address, the bind host or a name in $ALLOWED_HOSTS (comma-separated). Ctrl-C stops.`;

function fail(message: string): never {
  console.error(`dashboard: ${message}`);
  process.exit(2);
}

async function main(): Promise<void> {
  let flags;
  try {
    flags = parseCliArgs(
      process.argv.slice(2),
      {
        help: 'boolean',
        port: 'port',
        host: 'string',
        'pinot-broker': 'string',
        'poll-ms': 'int',
        top: 'int',
      },
      { h: 'help' },
    ).flags;
  } catch (error) {
    if (error instanceof CliUsageError) fail(error.message);
    throw error;
  }
  if (flags.help) {
    console.log(HELP);
    return;
  }
  let settings: DashboardSettings;
  try {
    settings = dashboardSettings();
  } catch (error) {
    fail(redactEnv((error as Error).message));
  }
  const port = (flags.port as number | undefined) ?? settings.port;
  const pollIntervalMs = (flags['poll-ms'] as number | undefined) ?? settings.pollIntervalMs;
  if (pollIntervalMs < 100) fail(`option --poll-ms must be at least 100, got "${pollIntervalMs}"`);
  const top = flags.top as number | undefined;
  if (top !== undefined && top < 1) fail(`option --top must be at least 1, got "${top}"`);
  let pinotBrokerUrl = settings.pinotBrokerUrl;
  if (flags['pinot-broker'] !== undefined) {
    const text = String(flags['pinot-broker']);
    let url: URL | undefined;
    try {
      url = new URL(text);
    } catch {
      url = undefined;
    }
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) fail(`option --pinot-broker must be an http(s) URL, got "${settings.redact(text)}"`);
    if (url.username || url.password)
      fail('option --pinot-broker must not carry credentials; set PINOT_AUTH_TOKEN or PINOT_BASIC_AUTH_USER and PINOT_BASIC_AUTH_PASSWORD');
    pinotBrokerUrl = text.replace(/\/+$/, '');
  }
  const host = (flags.host as string | undefined) ?? settings.host;

  let dashboard: DashboardHandle;
  try {
    dashboard = await startDashboard({
      port,
      host,
      pinotBrokerUrl,
      pollIntervalMs,
      topN: top,
      allowedHosts: settings.allowedHosts,
      allowedOrigins: settings.allowedOrigins,
    });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') console.error(`[dashboard] cannot listen: port ${port} in use; pick another with --port`);
    else console.error(`[dashboard] cannot start: ${e.message}`);
    process.exit(1);
  }
  console.log(`[dashboard] Pinot broker ${pinotBrokerUrl}, polling every ${pollIntervalMs} ms`);
  console.log(`[dashboard] ready: ${dashboard.url} (Ctrl-C stops)`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      console.log('[dashboard] forced exit');
      process.exit(1);
    }
    stopping = true;
    console.log(`[dashboard] ${signal}: stopping…`);
    dashboard.stop().then(
      () => {
        console.log('[dashboard] stopped');
        process.exit(0);
      },
      (error: Error) => {
        console.error(`[dashboard] stop failed: ${error.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  console.error(`[dashboard] ${error.stack ?? error.message}`);
  process.exit(1);
});
