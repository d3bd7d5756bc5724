/**
 * How requests that no route answered, and failures, are answered: as Connect does,
 * {"error_code": <status>, "message": "…"}; a known path with another method is a 405, anything else a 404.
 */
import type { NextFunction, Request, Response } from 'express';
import { ConnectRestError } from '../errors.ts';

const KNOWN_PATHS = [
  /^\/$/,
  /^\/connectors\/?$/,
  /^\/connectors\/[^/]+\/?$/,
  /^\/connectors\/[^/]+\/(config|status|tasks|pause|resume|restart|topics)\/?$/,
  /^\/connectors\/[^/]+\/topics\/reset\/?$/,
  /^\/connectors\/[^/]+\/tasks\/[^/]+\/(status|restart)\/?$/,
  /^\/connector-plugins\/?$/,
  /^\/connector-plugins\/[^/]+\/config\/validate\/?$/,
];

export function unmatchedRoute(req: Request, _res: Response, next: NextFunction): void {
  const known = KNOWN_PATHS.some((re) => re.test(req.path));
  next(known ? new ConnectRestError(405, 'HTTP 405 Method Not Allowed') : new ConnectRestError(404, 'HTTP 404 Not Found'));
}

export function connectErrorHandler(log: (line: string) => void) {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction): void => {
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
  };
}
