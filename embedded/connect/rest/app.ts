/**
 * Kafka Connect's REST API as thin express routes over the Herder. Every error is answered as Connect does:
 * {"error_code": <status>, "message": "…"}.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { allowListedCors, guardRequest, type HttpGuardOptions } from '../../common/http-guard.ts';
import { rejectInvalidUtf8 } from '../../common/strict-utf8.ts';
import { ConnectRestError } from '../errors.ts';
import type { Herder } from '../runtime/herder.ts';
import { CONVERTER_CLASSES } from '../converters/index.ts';
import { TRANSFORMS } from '../transforms/index.ts';

export const CONNECT_VERSION = '3.9.0';
export const CONNECT_COMMIT = 'embedded-typescript';

type Handler = (req: Request, res: Response) => Promise<void> | void;

function wrap(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction): void => {
    Promise.resolve().then(() => handler(req, res)).catch(next);
  };
}

/** A JSON object body whose values become strings (Connect reads Map<String, String>). */
function stringMap(value: unknown, what: string): Record<string, string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ConnectRestError(400, `${what} must be a JSON object of string values`);
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === null) continue;
    if (typeof v === 'object') throw new ConnectRestError(400, `Cannot deserialize value of type \`java.lang.String\` from Object value for key "${k}"`);
    out[k] = String(v);
  }
  return out;
}

function bool(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return String(Array.isArray(value) ? value[0] : value).toLowerCase() === 'true';
}

function checkConfigName(name: string, config: Record<string, string>): void {
  const included = config.name;
  if (included !== undefined) {
    if (included !== name) throw new ConnectRestError(400, `Connector name configuration (${included}) doesn't match connector name in the URL (${name})`);
  } else {
    config.name = name;
  }
}

/** `guard`: the names and origins the server accepts besides its own (see embedded/common/http-guard.ts). */
export function connectApp(herder: Herder, log: (line: string) => void, guard: HttpGuardOptions = {}): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'extended');

  // Host, browser Origin and media type (Connect's resources consume application/json only, JAX-RS
  // @Consumes: anything else is a 415, a body without a type too). Bodies are read as text and parsed
  // by us, so a bad body gets Connect's error shape.
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const refusal = guardRequest(req, guard, { accepted: ['application/json'], requiredWithBody: true, message: 'HTTP 415 Unsupported Media Type' });
    next(refusal && new ConnectRestError(refusal.status, refusal.message));
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (!allowListedCors(req, res, guard, 'GET, POST, PUT, DELETE, OPTIONS', 'Content-Type, Accept, Authorization')) next();
  });
  app.use(express.text({ type: () => true, limit: '10mb', verify: rejectInvalidUtf8(() => new ConnectRestError(400, 'Invalid UTF-8 in request body')) }));
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const text = typeof req.body === 'string' ? req.body : '';
    if (text.trim() === '') {
      req.body = undefined;
      return next();
    }
    try {
      req.body = JSON.parse(text);
      next();
    } catch (error) {
      next(new ConnectRestError(400, `Unrecognized token in request body: ${(error as Error).message}`));
    }
  });

  app.get('/', wrap((_req, res) => {
    res.json({ version: CONNECT_VERSION, commit: CONNECT_COMMIT, kafka_cluster_id: herder.clusterId });
  }));

  app.get('/connectors', wrap((req, res) => {
    const raw = req.query.expand;
    const expand = raw === undefined ? [] : (Array.isArray(raw) ? raw : [raw]).flatMap((e) => String(e).split(','));
    if (expand.length === 0) {
      res.json(herder.connectors());
      return;
    }
    const out: Record<string, Record<string, unknown>> = {};
    for (const name of herder.connectors()) {
      const entry: Record<string, unknown> = {};
      try {
        for (const e of expand) {
          if (e === 'status') entry.status = herder.status(name);
          else if (e === 'info') entry.info = herder.info(name);
        }
      } catch {
        continue; // removed meanwhile
      }
      out[name] = entry;
    }
    res.json(out);
  }));

  app.post('/connectors', wrap(async (req, res) => {
    const body = req.body as { name?: unknown; config?: unknown } | undefined;
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw new ConnectRestError(400, 'Request body must be a JSON object: {"name": "…", "config": {…}}');
    }
    const name = typeof body.name === 'string' ? body.name.trim() : body.name === undefined || body.name === null ? '' : String(body.name).trim();
    if (body.config === undefined || body.config === null) throw new ConnectRestError(400, 'Connector config is missing: the request body needs a "config" object');
    const config = stringMap(body.config, 'config');
    checkConfigName(name, config);
    const { info } = await herder.putConfig(name, config, false);
    res.status(201).location(`/connectors/${encodeURIComponent(name)}`).json(info);
  }));

  app.get('/connectors/:name', wrap((req, res) => {
    res.json(herder.info(String(req.params.name)));
  }));

  app.delete('/connectors/:name', wrap(async (req, res) => {
    await herder.delete(String(req.params.name));
    res.status(204).end();
  }));

  app.get('/connectors/:name/config', wrap((req, res) => {
    res.json(herder.config(String(req.params.name)));
  }));

  app.put('/connectors/:name/config', wrap(async (req, res) => {
    const name = String(req.params.name);
    const config = stringMap(req.body, 'Connector config');
    checkConfigName(name, config);
    const { created, info } = await herder.putConfig(name, config, true);
    if (created) res.status(201).location(`/connectors/${encodeURIComponent(name)}`);
    res.json(info);
  }));

  app.get('/connectors/:name/status', wrap((req, res) => {
    res.json(herder.status(String(req.params.name)));
  }));

  // KIP-558: no check that the connector exists, as Connect's herder makes none (an unknown one has no topics)
  app.get('/connectors/:name/topics', wrap((req, res) => {
    const name = String(req.params.name);
    res.json({ [name]: { topics: herder.activeTopics(name) } });
  }));

  app.put('/connectors/:name/topics/reset', wrap(async (req, res) => {
    await herder.resetActiveTopics(String(req.params.name));
    res.status(202).end();
  }));

  app.get('/connectors/:name/tasks', wrap((req, res) => {
    res.json(herder.taskConfigs(String(req.params.name)));
  }));

  app.get('/connectors/:name/tasks/:task/status', wrap((req, res) => {
    res.json(herder.taskStatus(String(req.params.name), taskId(req.params.task)));
  }));

  app.post('/connectors/:name/tasks/:task/restart', wrap(async (req, res) => {
    await herder.restartTaskById(String(req.params.name), taskId(req.params.task));
    res.status(204).end();
  }));

  app.put('/connectors/:name/pause', wrap(async (req, res) => {
    await herder.pause(String(req.params.name));
    res.status(202).end();
  }));

  app.put('/connectors/:name/resume', wrap(async (req, res) => {
    await herder.resume(String(req.params.name));
    res.status(202).end();
  }));

  app.post('/connectors/:name/restart', wrap(async (req, res) => {
    const includeTasks = bool(req.query.includeTasks, false);
    const onlyFailed = bool(req.query.onlyFailed, false);
    const state = await herder.restart(String(req.params.name), includeTasks, onlyFailed);
    if (!includeTasks && !onlyFailed) {
      res.status(204).end();
      return;
    }
    res.status(202).json(state);
  }));

  app.get('/connector-plugins', wrap((req, res) => {
    const connectorsOnly = bool(req.query.connectorsOnly, true);
    const plugins: { class: string; type: string; version?: string }[] = herder.plugins();
    if (!connectorsOnly) {
      for (const t of TRANSFORMS) plugins.push({ class: t.className, type: 'transformation', version: CONNECT_VERSION });
      for (const c of CONVERTER_CLASSES) plugins.push({ class: c, type: 'converter', version: CONNECT_VERSION });
    }
    res.json(plugins);
  }));

  app.put('/connector-plugins/:plugin/config/validate', wrap((req, res) => {
    const plugin = String(req.params.plugin);
    const config = stringMap(req.body ?? {}, 'Connector config');
    const included = config['connector.class'];
    const norm = (s: string): string => (s.endsWith('Connector') && s.length > 9 ? s.slice(0, -9) : s);
    if (included !== undefined && !norm(included).endsWith(norm(plugin))) {
      throw new ConnectRestError(400, `Included connector type ${included} does not match request type ${plugin}`);
    }
    res.json(herder.validate(plugin, config));
  }));

  const KNOWN = [
    /^\/$/, /^\/connectors\/?$/, /^\/connectors\/[^/]+\/?$/, /^\/connectors\/[^/]+\/(config|status|tasks|pause|resume|restart|topics)\/?$/, /^\/connectors\/[^/]+\/topics\/reset\/?$/,
    /^\/connectors\/[^/]+\/tasks\/[^/]+\/(status|restart)\/?$/, /^\/connector-plugins\/?$/, /^\/connector-plugins\/[^/]+\/config\/validate\/?$/,
  ];
  app.use((req: Request, _res: Response, next: NextFunction) => {
    const known = KNOWN.some((re) => re.test(req.path));
    next(known ? new ConnectRestError(405, 'HTTP 405 Method Not Allowed') : new ConnectRestError(404, 'HTTP 404 Not Found'));
  });

  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (error instanceof ConnectRestError) {
      res.status(error.status).json({ error_code: error.status, message: error.message });
      return;
    }
    const status = (error as { status?: number; statusCode?: number }).status ?? (error as { statusCode?: number }).statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error_code: status, message: (error as Error).message });
      return;
    }
    log(`REST internal error: ${(error as Error).stack ?? String(error)}`);
    res.status(500).json({ error_code: 500, message: (error as Error).message ?? String(error) });
  });
  return app;
}

function taskId(text: unknown): number {
  const n = Number(text);
  if (!Number.isInteger(n)) throw new ConnectRestError(404, 'HTTP 404 Not Found');
  return n;
}
