/**
 * The shell's calls to a ksqlDB server, each one ksqlDB 0.29 serves: GET /info (who is there), POST
 * /ksql (statements, with the session's properties as `streamsProperties`), POST /query-stream (a
 * query's rows as delimited JSON lines, read as they arrive, with the properties as `properties`) and
 * POST /query (PRINT's lines); the session's variables go with each as `sessionVariables`. Every call takes the shell's cancel signal: Ctrl-C aborts the request,
 * which closes the connection, and the server ends a push query whose client has gone.
 */
import type { HttpAuth } from '../../config/endpoints.ts';
import {
  DELIMITED_MEDIA_TYPE,
  errorMessage,
  KSQL_MEDIA_TYPE,
  type KsqlDbAnswer,
  KsqlDbQueryError,
  KsqlDbUnreachableError,
  ksqlDbRequest,
} from '../verify-ksqldb.ts';

// biome-ignore lint/suspicious/noExplicitAny: ksqlDB's answers are JSON of many shapes, read field by field
type Json = Record<string, any>;

/** The server refused a statement: its message and the entities of the statements before it that ran. */
export class KsqlStatementError extends KsqlDbQueryError {
  override name = 'KsqlStatementError';
  constructor(
    message: string,
    readonly entities: Json[] = [],
  ) {
    super(message);
  }
}

export interface ServerInfo {
  version: string;
  serverStatus?: string;
  kafkaClusterId?: string;
  ksqlServiceId?: string;
}

/** What goes with every request of a session. */
export interface SessionSettings {
  properties: Record<string, string>;
  variables: Record<string, string>;
}

/** What a query's answer is turned into, line by line. */
export interface QuerySink {
  header(columnNames: string[], columnTypes: string[], queryId: string | undefined): void;
  /** One row, as the JSON text of its array (json-cells.ts reads it). */
  row(json: string): void;
}

const STATEMENT_TIMEOUT_MS = 120_000;
const INFO_TIMEOUT_MS = 10_000;

async function failure(response: KsqlDbAnswer): Promise<KsqlStatementError> {
  const text = await response.text();
  let entities: Json[] = [];
  try {
    entities = (JSON.parse(text) as { entities?: Json[] }).entities ?? [];
  } catch {
    // not JSON: errorMessage shows the raw text
  }
  return new KsqlStatementError(errorMessage(response.status, text), entities);
}

export class KsqlRestClient {
  constructor(
    readonly url: string,
    private readonly auth: HttpAuth,
  ) {}

  async serverInfo(signal?: AbortSignal): Promise<ServerInfo> {
    const response = await ksqlDbRequest(this.url, '/info', { method: 'GET' }, { auth: this.auth, timeoutMs: INFO_TIMEOUT_MS, signal });
    const text = await response.text();
    let info: ServerInfo | undefined;
    try {
      info = (JSON.parse(text) as { KsqlServerInfo?: ServerInfo }).KsqlServerInfo;
    } catch {
      // not JSON: not a ksqlDB server
    }
    if (!response.ok || !info) throw new KsqlDbUnreachableError(this.url, `HTTP ${response.status} from /info, which is not a ksqlDB server's answer`);
    return info;
  }

  /** Runs statements on /ksql; resolves with the entities of its answer. */
  async statements(ksql: string, session: SessionSettings, signal?: AbortSignal): Promise<Json[]> {
    const response = await ksqlDbRequest(
      this.url,
      '/ksql',
      {
        method: 'POST',
        contentType: KSQL_MEDIA_TYPE,
        accept: KSQL_MEDIA_TYPE,
        body: { ksql, streamsProperties: session.properties, sessionVariables: session.variables },
      },
      { auth: this.auth, timeoutMs: STATEMENT_TIMEOUT_MS, signal },
    );
    if (!response.ok) throw await failure(response);
    return JSON.parse(await response.text()) as Json[];
  }

  /** Runs a query on /query-stream, handing its header and rows to `sink` as they arrive, until it ends or `signal` aborts. */
  async query(sql: string, session: SessionSettings, sink: QuerySink, signal: AbortSignal): Promise<void> {
    const response = await ksqlDbRequest(
      this.url,
      '/query-stream',
      {
        method: 'POST',
        contentType: DELIMITED_MEDIA_TYPE,
        accept: DELIMITED_MEDIA_TYPE,
        body: { sql, properties: session.properties, sessionVariables: session.variables },
      },
      { auth: this.auth, signal },
    );
    if (!response.ok) throw await failure(response);
    await response.eachLine((text) => {
      if (text.trimStart().startsWith('[')) {
        sink.row(text);
        return;
      }
      const object = JSON.parse(text) as Json;
      if (Array.isArray(object.columnNames)) sink.header(object.columnNames, object.columnTypes ?? [], object.queryId);
      else if (object.message !== undefined) throw new KsqlStatementError(String(object.message));
    });
  }

  /** PRINT on /query: each line the server sends (records as text), until it ends or `signal` aborts. */
  async print(statement: string, session: SessionSettings, line: (text: string) => void, signal: AbortSignal): Promise<void> {
    const response = await ksqlDbRequest(
      this.url,
      '/query',
      {
        method: 'POST',
        contentType: KSQL_MEDIA_TYPE,
        accept: KSQL_MEDIA_TYPE,
        body: { ksql: statement, streamsProperties: session.properties, sessionVariables: session.variables },
      },
      { auth: this.auth, signal },
    );
    if (!response.ok) throw await failure(response);
    await response.eachLine(line);
  }
}
