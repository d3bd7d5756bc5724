/**
 * The streaming query endpoints' writers: /query (legacy StreamedRow array, one element per line) and
 * /query-stream (delimited lines or one JSON array). A push query streams until LIMIT, /close-query or
 * the client going away; a pull query writes the current rows and ends.
 */
import type { Request, Response } from 'express';
import { KsqlError } from '../errors.ts';
import type { TransientRow } from '../engine.ts';
import type { KsqlRuntime } from '../runtime/runtime.ts';
import { encodeValue, genericError, json, schemaString, statementError } from './entities.ts';

export type StreamFormat = 'legacy' | 'delimited' | 'json';

export const MEDIA = {
  legacy: 'application/vnd.ksql.v1+json',
  delimited: 'application/vnd.ksqlapi.delimited.v1',
  json: 'application/json',
} as const;

/** Running push queries by id, for /close-query. */
export type QueryRegistry = Map<string, () => Promise<void>>;

/**
 * /query: legacy format for `application/json` / `application/vnd.ksql.v1+json` / no Accept,
 * delimited for `application/vnd.ksqlapi.delimited.v1` or `*\/*`.
 * /query-stream: delimited by default, `application/json` -> JSON array, vnd.ksql.v1+json -> legacy.
 */
export function chooseFormat(accept: string | undefined, endpoint: 'query' | 'query-stream'): StreamFormat {
  const a = (accept ?? '').toLowerCase();
  if (a.includes(MEDIA.delimited)) return 'delimited';
  if (a.includes(MEDIA.legacy)) return 'legacy';
  if (a.includes('application/json')) return endpoint === 'query' ? 'legacy' : 'json';
  if (endpoint === 'query') return a.includes('*/*') ? 'delimited' : 'legacy';
  return 'delimited';
}

function rowOf(r: TransientRow, types: string[]): unknown[] {
  return r.values.map((v, i) => encodeValue(v, types[i]));
}

/** ksqlDB's cap on concurrent push queries per server (each holds a consumer and its connections). */
export const MAX_PUSH_QUERIES = 'ksql.max.push.queries';
const DEFAULT_MAX_PUSH_QUERIES = 100;

function maxPushQueries(runtime: KsqlRuntime): number {
  const configured = Number(runtime.serverProperty(MAX_PUSH_QUERIES));
  return Number.isInteger(configured) && configured >= 0 ? configured : DEFAULT_MAX_PUSH_QUERIES;
}

export async function streamQuery(
  runtime: KsqlRuntime,
  registry: QueryRegistry,
  req: Request,
  res: Response,
  sql: string,
  props: Record<string, unknown>,
  format: StreamFormat,
): Promise<void> {
  let started = false;
  let finished = false;
  let pending: TransientRow[] = [];
  let endState: { error?: Error } | undefined;
  let isPull = false;
  let keepAlive: NodeJS.Timeout | undefined;
  let first = true;
  /** the query's column types, known once it has started (rows are written only after) */
  let columnTypes: string[] = [];
  const element = (text: string): void => {
    if (format === 'delimited') res.write(`${text}\n`);
    else {
      res.write(first ? `[${text}` : format === 'legacy' ? `,\n${text}` : `,${text}`);
      first = false;
    }
  };
  const writeRow = (r: TransientRow): void => {
    if (format === 'legacy') element(json({ row: { columns: rowOf(r, columnTypes), ...(r.tombstone ? { tombstone: true } : {}) } }));
    else if (!r.tombstone) element(json(rowOf(r, columnTypes)));
  };
  const finish = (error?: Error): void => {
    if (finished) return;
    finished = true;
    if (keepAlive) clearInterval(keepAlive);
    if (error) {
      const body = genericError(error.message, 50000);
      if (format === 'legacy') element(json({ errorMessage: body }));
      else if (format === 'json') element(json(body));
      else res.write(`${json(body)}\n`);
    } else if (format === 'legacy' && !isPull) element(json({ finalMessage: 'Limit Reached' }));
    if (format !== 'delimited') res.write(']');
    res.end();
  };
  const onRow = (r: TransientRow): void => {
    if (finished) return;
    if (!started) pending.push(r);
    else writeRow(r);
  };
  const onEnd = (error?: Error): void => {
    if (!started) endState = { error };
    else finish(error);
  };
  let handle: Awaited<ReturnType<KsqlRuntime['startQuery']>>;
  try {
    handle = await runtime.startQuery(sql, props, onRow, onEnd);
  } catch (e) {
    if (e instanceof KsqlError) {
      res.status(400).json(statementError(e, e.statementText ?? sql, []));
      return;
    }
    res.status(500).json(genericError((e as Error).message, 50000));
    return;
  }
  isPull = handle.pull;
  if (!isPull && registry.size >= maxPushQueries(runtime)) {
    await handle.stop();
    res
      .status(400)
      .json(
        statementError(
          new KsqlError(
            'Not executing statement(s) as it would cause the number of active, push queries to exceed the configured limit. ' +
              `Terminate existing PUSH queries, or increase the '${MAX_PUSH_QUERIES}' setting via the 'ksql-server.properties' file. ` +
              `Current push query count: ${registry.size}. Configured limit: ${maxPushQueries(runtime)}.`,
          ),
          sql,
          [],
        ),
      );
    return;
  }
  const q = handle.query;
  columnTypes = q.columns.map((c) => c.type);
  const queryId = isPull ? `query_${Date.now()}` : q.id;
  res.status(200);
  res.setHeader('content-type', MEDIA[format]);
  res.setHeader('transfer-encoding', 'chunked');
  if (format === 'legacy') {
    const keys = isPull ? keyColumnsOf(runtime, sql) : new Set<string>();
    element(json({ header: { queryId, schema: schemaString(q.columns, keys) } }));
  } else {
    element(json({ queryId, columnNames: q.columns.map((c) => c.name), columnTypes: q.columns.map((c) => c.type) }));
  }
  started = true;
  const early = pending;
  pending = [];
  for (const r of early) writeRow(r);
  if (endState) {
    finish(endState.error);
    return;
  }
  if (!isPull) {
    registry.set(queryId, async () => {
      await handle.stop();
      finish();
    });
    if (format === 'legacy') keepAlive = setInterval(() => res.write('\n'), 5_000);
    const cleanup = (): void => {
      registry.delete(queryId);
      if (keepAlive) clearInterval(keepAlive);
      void handle.stop();
    };
    res.on('close', cleanup);
    req.on('close', () => {
      if (!res.writableEnded) cleanup();
    });
  }
}

/** Key column names of the FROM source (pull-query headers mark them KEY). */
function keyColumnsOf(runtime: KsqlRuntime, sql: string): Set<string> {
  const m = /\bFROM\s+(`[^`]+`|[A-Za-z_][A-Za-z0-9_]*)/i.exec(sql);
  if (!m) return new Set();
  const name = m[1]!.startsWith('`') ? m[1]!.slice(1, -1) : m[1]!.toUpperCase();
  const src = runtime.engine.metastore.get(name);
  const keys = src?.schema.key.map((c) => c.name) ?? [];
  // a windowed table's key includes its window bounds
  return new Set(src?.windowType ? [...keys, 'WINDOWSTART', 'WINDOWEND'] : keys);
}
