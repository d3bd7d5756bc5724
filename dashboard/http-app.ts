/**
 * The dashboard's HTTP side: the pages, their scripts and vendored libraries, and the read-only JSON API
 * (/api/snapshot, /api/scenario, /api/health), behind security headers and the Host check. It holds no
 * state: what it serves comes from the functions it is given.
 */
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { checkHost, type HttpGuardOptions } from '../embedded/common/http-guard.ts';

const PUBLIC_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public');

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

/** What the app serves, read at each request. */
export interface DashboardViews {
  /** The page at `/`: the PageView page, or a scenario's panels. */
  page: 'index.html' | 'scenario.html';
  /** /api/snapshot's body. */
  snapshot(): unknown;
  /** /api/scenario's body; undefined on the PageView dashboard (404 there). */
  scenario(): unknown;
  /** /api/health's body, already serialised and redacted. */
  healthJson(): string;
}

/** The browser libraries the pages load from /vendor, from node_modules (nothing comes from a CDN). */
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

/** Security headers on every answer; a foreign Host gets 403 and anything but GET/HEAD 405. */
function guardRequests(guard: HttpGuardOptions): express.RequestHandler {
  return (req, res, next) => {
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
  };
}

export function createDashboardApp(guard: HttpGuardOptions, views: DashboardViews): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(guardRequests(guard));
  app.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(path.join(PUBLIC_DIR, views.page));
  });
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.use('/static', express.static(PUBLIC_DIR, { index: false, fallthrough: true, maxAge: 0 }));
  for (const [name, file] of Object.entries(vendorFiles())) {
    app.get(`/vendor/${name}`, (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.sendFile(file);
    });
  }
  app.get('/api/snapshot', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json(views.snapshot());
  });
  app.get('/api/scenario', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const scenario = views.scenario();
    if (scenario === undefined) {
      res.status(404).json({ error: 'this dashboard shows the PageView pipeline; its data is at /api/snapshot' });
      return;
    }
    res.json(scenario);
  });
  app.get('/api/health', (_req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.type('application/json').send(views.healthJson());
  });
  app.use('/api', (_req, res) => {
    res.status(404).json({ error: 'no such endpoint; try /api/snapshot or /api/health' });
  });
  app.use((_req, res) => {
    res.status(404).type('text/plain').send('not found');
  });
  return app;
}
