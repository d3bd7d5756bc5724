/**
 * Test helpers: load kafkajs's own protocol code (CommonJS) and run our codecs over bytes.
 */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { getApi } from '../../../embedded/kafka/protocol/index.ts';
import { Reader } from '../../../embedded/kafka/protocol/reader.ts';
import { Writer } from '../../../embedded/kafka/protocol/writer.ts';

const require = createRequire(import.meta.url);

export interface KjsProtocol {
  request: { apiKey: number; apiVersion: number; encode: () => Promise<{ buffer: Buffer }> | { buffer: Buffer } };
  response: { decode: (raw: Buffer) => Promise<any>; parse: (data: any) => Promise<any> };
}

/** kafkajs `requests/<folder>` protocol for a version, built with `args`. */
export function kjs(folder: string, version: number, args?: unknown): KjsProtocol {
  const defs = require(`kafkajs/src/protocol/requests/${folder}/index.js`);
  const make = defs.protocol({ version });
  if (!make) throw new Error(`kafkajs has no ${folder} v${version}`);
  return make(args);
}

/** Body bytes kafkajs encodes for a request. */
export async function kjsRequestBytes(p: KjsProtocol): Promise<Buffer> {
  const enc = await p.request.encode();
  return enc.buffer;
}

/** kafkajs's decode + parse of a response body. */
export async function kjsParse(p: KjsProtocol, body: Buffer): Promise<any> {
  return p.response.parse(await p.response.decode(body));
}

export const kjsModule = (path: string): any => require(`kafkajs/src/${path}`);

/** Decodes a request body with our codec, checking that every byte was consumed. */
export function decodeReq<T = unknown>(apiKey: number, version: number, bytes: Buffer): T {
  const r = new Reader(bytes);
  const body = getApi(apiKey)!.decodeRequest(r, version);
  expect(r.remaining, 'request bytes left unread').toBe(0);
  return body as T;
}

export function decodeRes<T = unknown>(apiKey: number, version: number, bytes: Buffer): T {
  const r = new Reader(bytes);
  const body = getApi(apiKey)!.decodeResponse(r, version);
  expect(r.remaining, 'response bytes left unread').toBe(0);
  return body as T;
}

export function encodeReq(apiKey: number, version: number, body: unknown): Buffer {
  const w = new Writer();
  getApi(apiKey)!.encodeRequest(w, version, body);
  return Buffer.from(w.toBuffer());
}

export function encodeRes(apiKey: number, version: number, body: unknown): Buffer {
  const w = new Writer();
  getApi(apiKey)!.encodeResponse(w, version, body);
  return Buffer.from(w.toBuffer());
}

/**
 * Golden request check: kafkajs's bytes decode with ours (all consumed), and re-encoding our
 * decoded object gives back exactly kafkajs's bytes. Returns the decoded body.
 */
export async function goldenRequest<T>(apiKey: number, version: number, p: KjsProtocol): Promise<T> {
  expect(p.request.apiKey).toBe(apiKey);
  expect(p.request.apiVersion).toBe(version);
  const bytes = await kjsRequestBytes(p);
  const decoded = decodeReq<T>(apiKey, version, bytes);
  expect(encodeReq(apiKey, version, decoded).equals(bytes), 'our re-encoding differs from kafkajs bytes').toBe(true);
  return decoded;
}

/** Hex dump helper for literal byte tests: accepts spaces and comments-free hex. */
export const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
