/**
 * What every request passes before a route: the Host and browser Origin checks, CORS for allow-listed
 * origins, and the body. Connect's resources consume application/json only (JAX-RS @Consumes: anything
 * else is a 415, a body without a type too). Bodies are read as text and parsed here, so a bad body gets
 * Connect's error shape.
 */
import express, { type NextFunction, type Request, type Response } from 'express';
import { allowListedCors, guardRequest, type HttpGuardOptions } from '../../common/http-guard.ts';
import { rejectInvalidUtf8 } from '../../common/strict-utf8.ts';
import { ConnectRestError } from '../errors.ts';

export function requestGate(guard: HttpGuardOptions): express.Router {
  const router = express.Router();
  router.use((req: Request, _res: Response, next: NextFunction) => {
    const refusal = guardRequest(req, guard, { accepted: ['application/json'], requiredWithBody: true, message: 'HTTP 415 Unsupported Media Type' });
    next(refusal && new ConnectRestError(refusal.status, refusal.message));
  });
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (!allowListedCors(req, res, guard, 'GET, POST, PUT, DELETE, OPTIONS', 'Content-Type, Accept, Authorization')) next();
  });
  router.use(express.text({ type: () => true, limit: '10mb', verify: rejectInvalidUtf8(() => new ConnectRestError(400, 'Invalid UTF-8 in request body')) }));
  router.use(parseJsonBody);
  return router;
}

function parseJsonBody(req: Request, _res: Response, next: NextFunction): void {
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
}
