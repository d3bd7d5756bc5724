/**
 * Request and response headers (AK RequestHeader.json / ResponseHeader.json).
 *
 * Request header v1: apiKey INT16, apiVersion INT16, correlationId INT32, clientId NULLABLE_STRING.
 * Request header v2 (flexible request versions): the same, then a TAG_BUFFER. clientId keeps its
 * INT16 length in v2 (`"flexibleVersions": "none"` in the spec).
 *
 * Response header v0: correlationId INT32. v1 (flexible response versions): + TAG_BUFFER — EXCEPT
 * ApiVersions, whose response header is always v0 (clients parse it before knowing the version).
 */
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';

export interface RequestHeader {
  apiKey: number;
  apiVersion: number;
  correlationId: number;
  clientId: string | null;
}

const API_VERSIONS_KEY = 18;

/** Request header version for a request whose body is (or is not) flexible. */
export function requestHeaderVersion(flexible: boolean): 1 | 2 {
  return flexible ? 2 : 1;
}

/** Response header version: 1 for flexible bodies, except ApiVersions which is always 0. */
export function responseHeaderVersion(apiKey: number, flexible: boolean): 0 | 1 {
  return flexible && apiKey !== API_VERSIONS_KEY ? 1 : 0;
}

/** The fixed part common to header v1 and v2 (everything but the v2 tag buffer). */
export function decodeRequestHeaderFixed(r: Reader): RequestHeader {
  const apiKey = r.readInt16();
  const apiVersion = r.readInt16();
  const correlationId = r.readInt32();
  const clientId = r.readNullableString();
  return { apiKey, apiVersion, correlationId, clientId };
}

export function decodeRequestHeader(r: Reader, headerVersion: 1 | 2): RequestHeader {
  const h = decodeRequestHeaderFixed(r);
  if (headerVersion === 2) r.skipTaggedFields();
  return h;
}

export function encodeRequestHeader(w: Writer, h: RequestHeader, headerVersion: 1 | 2): void {
  w.writeInt16(h.apiKey).writeInt16(h.apiVersion).writeInt32(h.correlationId).writeNullableString(h.clientId);
  if (headerVersion === 2) w.writeEmptyTaggedFields();
}

export function encodeResponseHeader(w: Writer, correlationId: number, headerVersion: 0 | 1): void {
  w.writeInt32(correlationId);
  if (headerVersion === 1) w.writeEmptyTaggedFields();
}

export function decodeResponseHeader(r: Reader, headerVersion: 0 | 1): { correlationId: number } {
  const correlationId = r.readInt32();
  if (headerVersion === 1) r.skipTaggedFields();
  return { correlationId };
}
