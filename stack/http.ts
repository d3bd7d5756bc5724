/** Waiting for an HTTP service to answer at all, as the stack's command-line tools do before they use it. */
import { serviceClient, ServiceUnreachableError } from '../config/http-client.ts';

/** Waits until `url` answers any HTTP response, printing progress; rejects with a clear cause after `timeoutMs`. */
export async function waitForHttp(name: string, url: string, timeoutMs = 120_000, log: (line: string) => void = () => {}): Promise<void> {
  const client = serviceClient({ service: name, baseUrl: url, timeoutMs: 2_000 });
  const deadline = Date.now() + timeoutMs;
  let announced = false;
  let last = '';
  for (;;) {
    try {
      await client.request('GET', '');
      return;
    } catch (error) {
      last = error instanceof ServiceUnreachableError ? error.reason : (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${name} did not answer at ${url} within ${Math.round(timeoutMs / 1000)} s (${last}); is it running?`);
    if (!announced) {
      log(`waiting for ${name} at ${url} ...`);
      announced = true;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}
