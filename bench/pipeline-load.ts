/**
 * The load both pipeline benches put on a stack (the embedded one in `pipeline.ts`, the reference one in
 * `pipeline-reference.ts`): 1000 users through the JDBC source and CLEANED_USERS, then page views sent at
 * a fixed rate while a poller counts them in Pinot, until Pinot has them all; freshness is measured
 * against the send log.
 */
import type { Kafka, Producer } from 'kafkajs';
import type { AppConfig } from '../config/index.ts';
import { produceUsers } from '../producers/index.ts';
import { fixedClock, PageViewGenerator } from '../producers/generate/events.ts';
import { userIdRange } from '../producers/generate/user-ids.ts';
import { pageViewMessage } from '../producers/sinks/kafka-events.ts';
import { percentile, progress } from './measure.ts';

export const USERS = 1000;

/** When each send completed, with the running total of events sent by then. */
export type SendLog = { count: number; at: number }[];

export function percentileOf(values: number[], p: number): number {
  return values.length === 0
    ? NaN
    : percentile(
        [...values].sort((a, b) => a - b),
        p,
      );
}

/** Page views counted in Pinot's pageview_country. */
export async function pinotViews(brokerUrl: string): Promise<number> {
  const response = await fetch(`${brokerUrl}/query/sql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sql: 'SELECT SUM(view_count) FROM pageview_country' }),
  });
  const body = (await response.json()) as { resultTable?: { rows: number[][] } };
  return Number(body.resultTable?.rows[0]?.[0] ?? 0) || 0;
}

/**
 * Freshness samples against the send log: when a reader sees `count` events counted, every send whose
 * running total is covered became visible now, its freshness is now minus the time it was sent.
 */
export function freshnessOf(sent: Readonly<SendLog>): { samples: number[]; counted(count: number): void } {
  const samples: number[] = [];
  let next = 0;
  return {
    samples,
    counted(count) {
      const now = Date.now();
      while (next < sent.length && sent[next]!.count <= count) samples.push(now - sent[next++]!.at);
    },
  };
}

export async function sendAtRate(
  producer: Producer,
  topic: string,
  messages: { key: string; value: string }[],
  rate: number,
  onBatch: (sentSoFar: number, at: number) => void,
): Promise<number> {
  const batch = Math.max(1, Math.round(rate / 20));
  const start = Date.now();
  for (let i = 0; i < messages.length; i += batch) {
    const due = start + (i / rate) * 1000;
    const wait = due - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    await producer.send({ topic, acks: -1, messages: messages.slice(i, i + batch) });
    onBatch(Math.min(messages.length, i + batch), Date.now());
  }
  return Date.now() - start;
}

/** The users into MySQL, waiting until CLEANED_USERS has every one of them. */
export async function loadUsers(kafka: Kafka, mysqlUrl: string, config: AppConfig): Promise<void> {
  await produceUsers({ count: USERS, seed: 1, url: mysqlUrl, database: config.mysql.database, config, nullRate: 0 });
  const admin = kafka.admin();
  await admin.connect();
  try {
    for (;;) {
      const cleaned = (await admin.fetchTopicOffsets(config.topics.cleanedUsers)).reduce((n, o) => n + Number(o.high), 0);
      if (cleaned >= USERS) break;
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await admin.disconnect();
  }
}

/** `events` page views of the loaded users, timestamped `rate` per second from now. */
export function pageViewMessages(events: number, rate: number): { key: string; value: string }[] {
  const generator = new PageViewGenerator({
    seed: 2,
    userIds: userIdRange(1, USERS),
    sessionsPerUser: 1,
    jitterMs: 0,
    lateRate: 0,
    lateMs: 0,
    clock: fixedClock(Date.now(), 1000 / rate),
  });
  return generator.take(events).map(pageViewMessage);
}

export interface PinotRun {
  firstSend: number;
  /** When Pinot counted the last event. */
  doneAt: number;
  /** Freshness of each send, ms. */
  freshness: number[];
}

/**
 * Sends `messages` at `rate` with `producer` (disconnected at the end) while polling Pinot every 50 ms,
 * then waits until Pinot counts them all; gives up only when the count makes no progress for a minute.
 * `sent` is the send log, for the caller's own readers of other stages.
 */
export async function runThroughPinot(options: {
  producer: Producer;
  topic: string;
  messages: { key: string; value: string }[];
  rate: number;
  brokerUrl: string;
  /** names the stack in progress lines and errors */
  stack: string;
  sent?: SendLog;
}): Promise<PinotRun> {
  const { producer, messages, brokerUrl, stack } = options;
  const events = messages.length;
  const sent = options.sent ?? [];
  const freshness = freshnessOf(sent);
  let seen = 0;
  let polling = true;
  const poller = (async () => {
    while (polling) {
      // A Pinot answering with exceptions (a segment briefly unavailable) counts as no answer.
      seen = Math.max(seen, await pinotViews(brokerUrl).catch(() => seen));
      freshness.counted(seen);
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const firstSend = Date.now();
  await sendAtRate(producer, options.topic, messages, options.rate, (count, at) => sent.push({ count, at }));
  await producer.disconnect();
  let lastSeen = seen;
  let lastProgress = Date.now();
  while (seen < events && Date.now() - lastProgress < 60_000) {
    await new Promise((r) => setTimeout(r, 200));
    if (seen > lastSeen) {
      lastSeen = seen;
      lastProgress = Date.now();
      progress(`${stack}: ${seen} of ${events} page views counted in Pinot`);
    }
  }
  const doneAt = Date.now();
  polling = false;
  await poller;
  if (seen < events) throw new Error(`${stack}: only ${seen} of ${events} page views reached Pinot (no progress for a minute)`);
  return { firstSend, doneAt, freshness: freshness.samples };
}
