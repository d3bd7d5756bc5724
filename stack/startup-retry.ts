/**
 * Real servers refuse some requests while they start, and take them a moment later: Pinot 0.11 answers
 * HTTP 500 to a realtime table whose topic it cannot read yet, Kafka Connect 409 during a rebalance and
 * 5xx while its herder starts. The bootstrap sends such a request again, with one line per wait.
 */
import type { HttpAnswer } from '../config/http-client.ts';

/** How long the bootstrap keeps asking a server that refuses while it starts (HTTP 5xx), and its first wait. */
export interface StartupRetry {
  timeoutMs: number;
  firstDelayMs: number;
}

export const DEFAULT_STARTUP_RETRY: StartupRetry = { timeoutMs: 120_000, firstDelayMs: 1_000 };

/**
 * Sends a request again while the server refuses it as a starting server does (`refusing`), until
 * `retry.timeoutMs`: waits double from `firstDelayMs` up to 10 s, with one line per wait naming `what`.
 */
export async function whileStarting(
  what: string,
  send: () => Promise<HttpAnswer>,
  refusing: (answer: HttpAnswer) => boolean,
  retry: StartupRetry,
  log: (line: string) => void,
): Promise<HttpAnswer> {
  const deadline = Date.now() + retry.timeoutMs;
  for (let delay = retry.firstDelayMs; ; delay = Math.min(delay * 2, 10_000)) {
    const answer = await send();
    if (!refusing(answer) || Date.now() + delay > deadline) return answer;
    const cause = answer.text.split('\n')[0]!.slice(0, 200);
    log(`bootstrap: ${what} answered HTTP ${answer.status} (${cause}); asking again in ${Math.round(delay / 100) / 10} s`);
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
}

/** Real Pinot 0.11 answers 500 to a realtime table whose topic it cannot read yet (just created, servers starting). */
export const pinotStarting = (answer: HttpAnswer) => answer.status >= 500;

/** Kafka Connect answers 409 during a rebalance ("momentarily", "stale configuration") and 500 while its herder starts; 409 "already exists" is not that. */
export const connectStarting = (answer: HttpAnswer) => answer.status >= 500 || (answer.status === 409 && /rebalanc|momentarily|stale/i.test(answer.text));
