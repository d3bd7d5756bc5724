/**
 * The external mode's start-up check: every endpoint asked once, before anything is created, with one
 * line per service that cannot be reached or refuses the credentials: the service, its address, the
 * cause, and the variable to fix. Nothing here prints a password or token (URLs carry none: config
 * moves URL credentials into auth), and each cause goes through the redactor anyway.
 */
import { Kafka, logLevel } from 'kafkajs';
import mysql from 'mysql2/promise';
import type { HttpEndpoint } from '../config/endpoints.ts';
import type { AppConfig } from '../config/index.ts';
import { kafkaConfig } from '../config/kafka-client.ts';
import { redactor, redactUrl } from '../config/redact.ts';
import { networkCause, serviceClient, ServiceUnreachableError, type HttpAnswer } from '../config/http-client.ts';
import type { BootstrapTargets } from './bootstrap.ts';

export interface EndpointProblem {
  service: string;
  address: string;
  cause: string;
  /** What to change, naming the variable(s). */
  fix: string;
  /** True when the service may only be starting (nothing listens yet, or it answers HTTP 5xx): worth asking again. */
  starting?: boolean;
}

export function problemLine(problem: EndpointProblem): string {
  return `${problem.service} at ${problem.address}: ${problem.cause}; ${problem.fix}`;
}

interface HttpProbe {
  service: string;
  endpoint: HttpEndpoint;
  method?: string;
  path: string;
  body?: unknown;
  /** True when a 2xx answer's text is the service's own (e.g. ksqlDB's /info names KsqlServerInfo). */
  recognise?: (text: string) => boolean;
  what: string;
}

async function probeHttp(probe: HttpProbe, timeoutMs: number): Promise<EndpointProblem | undefined> {
  const { endpoint } = probe;
  const address = endpoint.url;
  const urlFix = `check ${endpoint.variable}`;
  const authFix = `set ${endpoint.authVariables.join(' / ')} (or fix ${endpoint.variable})`;
  const client = serviceClient({ service: probe.service, baseUrl: endpoint.url, auth: endpoint.auth, timeoutMs });
  let response: HttpAnswer;
  try {
    response = await client.request(probe.method ?? 'GET', probe.path, { body: probe.body });
  } catch (error) {
    return {
      service: probe.service,
      address,
      cause: `unreachable (${error instanceof ServiceUnreachableError ? error.reason : (error as Error).message})`,
      fix: urlFix,
      starting: true,
    };
  }
  const { text } = response;
  if (response.status === 401 || response.status === 403) {
    const sent = endpoint.auth.kind === 'none' ? 'no credentials were sent' : `the ${endpoint.auth.kind} credentials were refused`;
    return { service: probe.service, address, cause: `unauthorised (HTTP ${response.status}: ${sent})`, fix: authFix };
  }
  if (response.status < 200 || response.status > 299 || (probe.recognise && !probe.recognise(text))) {
    return {
      service: probe.service,
      address,
      cause: `HTTP ${response.status} from ${probe.path}, not ${probe.what}'s answer`,
      fix: urlFix,
      starting: response.status >= 500,
    };
  }
  return undefined;
}

async function probeKafka(config: AppConfig, targets: BootstrapTargets, timeoutMs: number): Promise<EndpointProblem | undefined> {
  const address = targets.kafkaBootstrap.join(',');
  const admin = new Kafka(
    kafkaConfig(
      { brokers: targets.kafkaBootstrap, security: targets.kafkaSecurity },
      {
        clientId: 'endpoint-check',
        logLevel: logLevel.NOTHING,
        connectionTimeout: timeoutMs,
        requestTimeout: timeoutMs,
        retry: { retries: 0 },
      },
    ),
  ).admin();
  const protocol = targets.kafkaSecurity?.protocol ?? 'PLAINTEXT';
  let seedAnswered = false;
  try {
    await admin.connect();
    seedAnswered = true;
    // Asks the brokers the seed advertises: a wrong advertised.listeners shows here, not at connect.
    await admin.describeCluster();
    return undefined;
  } catch (error) {
    const e = error as Error & { name: string };
    if (e.name === 'KafkaJSSASLAuthenticationError') {
      return {
        service: 'Kafka',
        address,
        cause: `unauthorised (SASL ${targets.kafkaSecurity?.sasl?.mechanism ?? ''} login refused)`,
        fix: 'set KAFKA_SASL_USERNAME / KAFKA_SASL_PASSWORD (or KAFKA_SASL_MECHANISM)',
      };
    }
    if (seedAnswered) {
      return {
        service: 'Kafka',
        address,
        cause: `the bootstrap server answered, but the brokers it advertises do not (${e.message})`,
        fix: `check the brokers' advertised.listeners are reachable from here with ${protocol} (KAFKA_SECURITY_PROTOCOL)`,
      };
    }
    const tlsProblem = /certificate|SSL|TLS|self.signed|wrong version number/i.test(e.message);
    if (tlsProblem) {
      return { service: 'Kafka', address, cause: `TLS failed (${e.message})`, fix: `check KAFKA_SECURITY_PROTOCOL (${protocol}) and KAFKA_SSL_CA_FILE` };
    }
    // A listener of another protocol closes the connection (TLS against plaintext and back).
    const closed = /closed|ECONNRESET|disconnected/i.test(e.message);
    return {
      service: 'Kafka',
      address,
      cause: `unreachable (${e.message})`,
      fix: closed ? `check KAFKA_SECURITY_PROTOCOL (${protocol}) matches the listener, and KAFKA_BOOTSTRAP_SERVERS` : 'check KAFKA_BOOTSTRAP_SERVERS',
      starting: !closed,
    };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

async function probeMysql(targets: BootstrapTargets, timeoutMs: number): Promise<EndpointProblem | undefined> {
  const address = redactUrl(targets.mysqlUrl);
  let connection: mysql.Connection | undefined;
  try {
    connection = await mysql.createConnection({ uri: targets.mysqlUrl, connectTimeout: timeoutMs });
    await connection.ping();
    return undefined;
  } catch (error) {
    const e = error as { code?: string; message?: string };
    if (e.code === 'ER_ACCESS_DENIED_ERROR' || e.code === 'ER_DBACCESS_DENIED_ERROR') {
      return { service: 'MySQL', address, cause: 'unauthorised (login refused)', fix: 'fix the user and password in MYSQL_URL' };
    }
    return { service: 'MySQL', address, cause: `unreachable (${networkCause(e, timeoutMs)})`, fix: 'check MYSQL_URL', starting: true };
  } finally {
    connection?.destroy();
  }
}

/** Asks every endpoint of the external mode once, side by side; returns one problem per failing service. */
export async function checkEndpoints(config: AppConfig, targets: BootstrapTargets, timeoutMs = 10_000): Promise<EndpointProblem[]> {
  const { endpoints } = config;
  const probes: HttpProbe[] = [
    { service: 'Kafka Connect', endpoint: endpoints.connect, path: '/', recognise: (t) => t.includes('"version"'), what: 'Kafka Connect' },
    { service: 'ksqlDB', endpoint: endpoints.ksqldb, path: '/info', recognise: (t) => t.includes('KsqlServerInfo'), what: 'ksqlDB' },
    // GET /tables: a controller with access control asks for credentials here (its /health never does).
    { service: 'Pinot controller', endpoint: endpoints.pinotController, path: '/tables', recognise: (t) => t.includes('tables'), what: "Pinot's controller" },
    // A query: a broker with access control asks for credentials here; its answer may carry exceptions.
    { service: 'Pinot broker', endpoint: endpoints.pinotBroker, method: 'POST', path: '/query/sql', body: { sql: 'SELECT 1' }, what: "Pinot's broker" },
  ];
  if (endpoints.debeziumConnect.url !== endpoints.connect.url) {
    probes.splice(1, 0, {
      service: 'Debezium Connect',
      endpoint: endpoints.debeziumConnect,
      path: '/',
      recognise: (t) => t.includes('"version"'),
      what: 'Kafka Connect',
    });
  }
  const redact = redactor(config);
  const found = await Promise.all([probeKafka(config, targets, timeoutMs), probeMysql(targets, timeoutMs), ...probes.map((p) => probeHttp(p, timeoutMs))]);
  return found.filter((p): p is EndpointProblem => p !== undefined).map((p) => ({ ...p, cause: redact(p.cause), address: redact(p.address) }));
}

/**
 * Checks every endpoint, and while the only problems are services that may still be starting (nothing
 * listening yet, HTTP 5xx), asks again every `everyMs` until `waitMs` has passed, with one line per
 * service still waited for. A refused login or a wrong service ends the wait at once. Returns the
 * problems of the last check (none: every endpoint answered).
 */
export async function waitForEndpoints(
  config: AppConfig,
  targets: BootstrapTargets,
  waitMs: number,
  log: (line: string) => void,
  everyMs = 5_000,
): Promise<EndpointProblem[]> {
  const started = Date.now();
  for (;;) {
    const problems = await checkEndpoints(config, targets);
    const waited = Date.now() - started;
    if (problems.length === 0 || problems.some((p) => !p.starting) || waited + everyMs > waitMs) return problems;
    for (const problem of problems) {
      log(`waiting for ${problem.service} at ${problem.address}: ${problem.cause} (${Math.round(waited / 1000)} s of ${Math.round(waitMs / 1000)} s)`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
