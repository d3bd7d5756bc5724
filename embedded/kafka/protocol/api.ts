/**
 * The shape every per-API module (`NN-name.ts`) exports, and `defineApi`, which builds the four
 * codec functions from the request/response field lists.
 */
import type { Reader } from './reader.ts';
import type { Writer } from './writer.ts';
import { message, parseVersions, type FieldDef } from './schema.ts';

export interface ApiCodec<Req, Res> {
  decodeRequest(r: Reader, version: number): Req;
  encodeRequest(w: Writer, version: number, body: Req): void;
  decodeResponse(r: Reader, version: number): Res;
  encodeResponse(w: Writer, version: number, body: Res): void;
}

/** What index.ts needs from each API module. */
export interface ApiModule<Req = unknown, Res = unknown> extends ApiCodec<Req, Res> {
  readonly apiKey: number;
  readonly apiName: string;
  readonly minVersion: number;
  readonly maxVersion: number;
  /** First flexible version in the AK spec (may be above maxVersion). */
  readonly firstFlexibleVersion: number;
}

export interface ApiDefinition {
  name: string;
  minVersion: number;
  maxVersion: number;
  /** AK `flexibleVersions`, e.g. '9+' or 'none' */
  flexibleVersions: string;
  request: FieldDef[];
  response: FieldDef[];
}

export function defineApi<Req, Res>(def: ApiDefinition): ApiCodec<Req, Res> {
  const valid = `${def.minVersion}-${def.maxVersion}`;
  const req = message<Req>(`${def.name}Request`, valid, def.flexibleVersions, def.request);
  const res = message<Res>(`${def.name}Response`, valid, def.flexibleVersions, def.response);
  return {
    decodeRequest: (r, v) => req.decode(r, v),
    encodeRequest: (w, v, body) => req.encode(w, v, body),
    decodeResponse: (r, v) => res.decode(r, v),
    encodeResponse: (w, v, body) => res.encode(w, v, body),
  };
}

/** The first flexible version of an AK `flexibleVersions` spec (Infinity for 'none'). */
export function firstFlexible(spec: string): number {
  const r = parseVersions(spec);
  return r.min > r.max ? Infinity : r.min;
}
