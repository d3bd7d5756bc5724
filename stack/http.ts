/** Minimal JSON-over-HTTP client for talking to the stack's REST APIs (Connect, ksqlDB, Pinot). */
import type { HttpAuth } from '../config/endpoints.ts';
import { withAuth } from '../config/http-auth.ts';

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

/** `auth`: the service's credentials (config/http-auth.ts); none for the embedded stack. */
export async function httpJson(method: string, url: string, body?: unknown, auth?: HttpAuth, timeoutMs = 30_000): Promise<HttpResult> {
  const response = await fetch(url, withAuth({
    method,
    headers: body === undefined ? { accept: 'application/json' } : { 'content-type': 'application/json', accept: 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  }, auth));
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text === '' ? null : JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed, text };
}

/** Waits until `url` answers any HTTP response, printing progress; rejects with a clear cause after `timeoutMs`. */
export async function waitForHttp(name: string, url: string, timeoutMs = 120_000, log: (line: string) => void = () => {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  let last = '';
  for (;;) {
    try {
      await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return;
    } catch (error) {
      last = (error as Error).cause ? String((error as { cause: Error }).cause.message) : (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer at ${url} within ${Math.round(timeoutMs / 1000)} s (${last}); is it running?`);
    if (!announced) {
      log(`waiting for ${name} at ${url} ...`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
