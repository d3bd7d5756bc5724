import { ErrorCode } from '../protocol/errors.ts';
import { SUPPORTED_APIS, type ApiVersionsRequest, type ApiVersionsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

/** Every broker gives the same answer (kafkajs asks only its seed broker). */
export const handleApiVersions: Handler<ApiVersionsRequest, ApiVersionsResponse> = () => ({
  errorCode: ErrorCode.NONE,
  apiKeys: Object.entries(SUPPORTED_APIS).map(([key, range]) => ({ apiKey: Number(key), minVersion: range.minVersion, maxVersion: range.maxVersion })),
  throttleTimeMs: 0,
});
