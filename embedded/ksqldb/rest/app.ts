/**
 * ksqlDB's REST API over a KsqlRuntime: thin routes, ksqlDB's JSON shapes and error bodies.
 * See /work/shared/ref/ksqldb-api.md for the wire format.
 */
import { AssertionFailed } from '../assertions.ts';
import express, { type NextFunction, type Request, type Response } from 'express';
import { allowListedCors, guardRequest, type ContentTypeRule, type HttpGuardOptions } from '../../common/http-guard.ts';
import { rejectInvalidUtf8 } from '../../common/strict-utf8.ts';
import { KsqlError } from '../errors.ts';
import { StatementFailure, type KsqlRuntime } from '../runtime/runtime.ts';
import { genericError, statementError, toEntity, type Json } from './entities.ts';
import { chooseFormat, streamQuery, type QueryRegistry } from './streaming.ts';

export const KSQL_VERSION = '0.29.0';

export interface AppOptions {
  /** request body limit in bytes; default 1 MiB */
  maxBodyBytes?: number;
  log?: (line: string) => void;
  /** Host names and page origins the server accepts besides its own (embedded/common/http-guard.ts). */
  guard?: HttpGuardOptions;
}

/**
 * What the statement and query endpoints consume: ksqlDB's JSON types (and /query-stream's delimited
 * one). A request without a Content-Type is read as JSON, as ksqlDB does (its CLI sends none).
 */
const KSQL_CONTENT_TYPES: ContentTypeRule = {
  accepted: ['application/vnd.ksql.v1+json', 'application/json', 'application/vnd.ksqlapi.delimited.v1'],
};

/** Parses the raw body as JSON; answers 400 generic_error and returns undefined when it is not an object. */
function body(req: Request, res: Response): Json | undefined {
  const text = typeof req.body === 'string' ? req.body : Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    res.status(400).json(genericError(`Invalid JSON in request: ${(e as Error).message}`));
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    res.status(400).json(genericError('Invalid JSON in request: expected an object'));
    return undefined;
  }
  return parsed as Json;
}

function substitute(sql: string, vars: unknown): string {
  if (!vars || typeof vars !== 'object') return sql;
  const byName = new Map(Object.entries(vars as Record<string, unknown>).map(([k, v]) => [k.toUpperCase(), String(v)]));
  return sql.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (m, name: string) => byName.get(name.toUpperCase()) ?? m);
}

function objectOf(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

export function ksqlApp(runtime: KsqlRuntime, options: AppOptions = {}): express.Express {
  const app = express();
  const registry: QueryRegistry = new Map();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const refusal = guardRequest(req, options.guard ?? {}, KSQL_CONTENT_TYPES);
    if (!refusal) return next();
    res.status(refusal.status).json(genericError(refusal.message, refusal.status * 100));
  });
  app.use((req, res, next) => {
    if (!allowListedCors(req, res, options.guard ?? {}, 'GET, POST, OPTIONS', 'Content-Type, Accept, Authorization')) next();
  });
  app.use(
    express.text({
      type: () => true,
      limit: options.maxBodyBytes ?? 1024 * 1024,
      verify: rejectInvalidUtf8(() => Object.assign(new Error('Invalid JSON in request: Invalid UTF-8 byte sequence'), { status: 400 })),
    }),
  );

  serverStateRoutes(app, runtime);
  app.post('/ksql', statementsRoute(runtime));
  app.post('/query', queryRoute(runtime, registry, 'query'));
  app.post('/query-stream', queryRoute(runtime, registry, 'query-stream'));
  app.post('/close-query', closeQueryRoute(registry));

  app.use((_req, res) => {
    res.status(404).type('text/plain').send('Not Found');
  });
  app.use(errorHandler(options.log ?? (() => undefined)));
  return app;
}

/** `/info`, the health checks and the command statuses. */
function serverStateRoutes(app: express.Express, runtime: KsqlRuntime): void {
  app.get('/', (_req, res) => {
    res.redirect(307, '/info');
  });

  app.get('/info', (_req, res) => {
    res.json({ KsqlServerInfo: { version: KSQL_VERSION, kafkaClusterId: runtime.clusterId, ksqlServiceId: runtime.serviceId, serverStatus: 'RUNNING' } });
  });

  app.get('/healthcheck', (_req, res) => {
    const healthy = runtime.serverState === 'READY';
    res.status(healthy ? 200 : 503).json({
      isHealthy: healthy,
      details: { metastore: { isHealthy: true }, kafka: { isHealthy: healthy }, commandRunner: { isHealthy: healthy } },
      serverState: runtime.serverState,
    });
  });
  app.get('/chc/live', (_req, res) => {
    res.json({});
  });
  app.get('/chc/ready', (_req, res) => {
    res.status(runtime.serverState === 'READY' ? 200 : 503).json({});
  });

  app.get('/status', (_req, res) => {
    res.json({ commandStatuses: Object.fromEntries([...runtime.commandStatuses].map(([id, s]) => [id, s.status])) });
  });
  app.get('/status/:type/:entity/:action', (req, res) => {
    const { type, entity, action } = req.params as Record<string, string>;
    const s = runtime.commandStatuses.get(`${type}/${entity}/${action}`) ?? runtime.commandStatuses.get(`${type}/\`${entity}\`/${action}`);
    if (!s) {
      res.status(404).json(genericError('Command not found', 40400));
      return;
    }
    res.json(s);
  });
}

/** POST /ksql: runs the statements and answers their entities, or the failing statement's error with the entities before it. */
function statementsRoute(runtime: KsqlRuntime) {
  return async (req: Request, res: Response) => {
    const b = body(req, res);
    if (!b) return;
    if (typeof b.ksql !== 'string') {
      res.status(400).json(genericError('Required field missing: ksql'));
      return;
    }
    const sql = substitute(b.ksql, b.sessionVariables);
    if (/^\s*PRINT\b/i.test(sql)) {
      res
        .status(400)
        .json(
          statementError(
            new KsqlError("The following statement types should be issued to the websocket endpoint '/query':\n\t* PRINT\n\t* SELECT"),
            sql,
            [],
            40002,
          ),
        );
      return;
    }
    const ctx = {
      engine: runtime.engine,
      serverProperties: runtime.engine.config,
      topics: () => runtime.listTopics(),
      queryConsumerGroup: runtime.topics.group,
      committedOffsets: (topics: string[]) => runtime.committedOffsets(topics),
    };
    const entitiesOf = async (outcomes: Parameters<typeof toEntity>[0][]): Promise<Json[]> => {
      const entities: Json[] = [];
      for (const o of outcomes) {
        const e = await toEntity(o, ctx);
        if (e) entities.push(e);
      }
      return entities;
    };
    try {
      res.json(await entitiesOf(await runtime.execute(sql, objectOf(b.streamsProperties))));
    } catch (e) {
      if (e instanceof StatementFailure) {
        res.status(400).json(statementError(e.error, e.statementText, await entitiesOf(e.outcomes), e.errorCode));
        return;
      }
      if (e instanceof KsqlError) {
        res.status(400).json(statementError(e, e.statementText ?? sql, []));
        return;
      }
      if (e instanceof AssertionFailed) {
        // ksqlDB's Errors.assertionFailedError: 417 Expectation Failed
        res.status(417).json(genericError(e.message, 41700));
        return;
      }
      throw e;
    }
  };
}

/** POST /query (field `ksql`) and /query-stream (field `sql`): a SELECT streamed in the format the client accepts. */
function queryRoute(runtime: KsqlRuntime, registry: QueryRegistry, endpoint: 'query' | 'query-stream') {
  return async (req: Request, res: Response) => {
    const b = body(req, res);
    if (!b) return;
    const field = endpoint === 'query' ? 'ksql' : 'sql';
    if (typeof b[field] !== 'string') {
      res.status(400).json(genericError(`Required field missing: ${field}`));
      return;
    }
    const sql = substitute(b[field] as string, b.sessionVariables);
    const props = objectOf(endpoint === 'query' ? b.streamsProperties : b.properties);
    if (!/^\s*SELECT\b/i.test(sql)) {
      res
        .status(400)
        .json(
          statementError(
            new KsqlError(/^\s*PRINT\b/i.test(sql) ? 'PRINT is not supported by this server' : 'The /query endpoint accepts only SELECT statements'),
            sql,
            [],
          ),
        );
      return;
    }
    await streamQuery(runtime, registry, req, res, sql, props, chooseFormat(req.get('accept'), endpoint));
  };
}

/** POST /close-query: stops a streaming query by its id. */
function closeQueryRoute(registry: QueryRegistry) {
  return async (req: Request, res: Response) => {
    const b = body(req, res);
    if (!b) return;
    const id = String(b.queryId ?? '');
    const stop = registry.get(id);
    if (!stop) {
      res.status(400).json(genericError(`No query with id ${id}`));
      return;
    }
    registry.delete(id);
    await stop();
    res.status(200).end();
  };
}

/** Errors as ksqlDB's generic error bodies: 413 for a body over the limit, the 4xx of body parsing, else 500 (logged). */
function errorHandler(log: (line: string) => void) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const e = err as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.too.large') {
      res.status(413).json(genericError(`Request body too large: ${e.message ?? ''}`.trim(), 41300));
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json(genericError(e.message ?? 'Bad request', e.status * 100));
      return;
    }
    log(`request failed: ${e.message ?? String(err)}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(500).json(genericError(e.message ?? 'Internal error', 50000));
  };
}
