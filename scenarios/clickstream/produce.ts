/**
 * The clickstream producers of `npm start -- --scenario clickstream`: the status codes and the users
 * first (the demo's datagen runs for clickstream_codes and clickstream_users), then, once both topics
 * hold them, clicks at the given rate until the signal aborts, pausing after every active period as the
 * demo's sessionize script does. Users come from the configured seed, so a restart writes the same rows
 * again (the tables upsert them); clicks carry the wall-clock time as their event time.
 */
import type { ClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import { deriveSeed } from '../../producers/generate/random.ts';
import { pump } from '../../producers/pump.ts';
import { sleep } from '../../producers/rate.ts';
import { openKafkaSink, type EventSink } from '../../producers/sinks/kafka-events.ts';
import type { KafkaSecurity } from '../../config/kafka-security.ts';
import { topicEndOffset } from '../topic-offsets.ts';
import type { ScenarioProduceContext } from '../scenario.ts';
import { ClickGenerator } from './generate/clicks.ts';
import { WebUserGenerator } from './generate/users.ts';
import { STATUS_CODES } from './generate/values.ts';
import { clickMessage, codeMessage, userMessage } from './messages.ts';

const USER_BATCH = 1000;

/** Writes the status codes and users 1..population; returns how many users were written. */
export async function sendReferenceData(sink: EventSink, settings: ClickstreamConfig, population: number, onUsers?: (done: number) => void): Promise<number> {
  await sink.send(settings.topics.codes, STATUS_CODES.map(codeMessage));
  const users = new WebUserGenerator(settings.traffic.seed);
  for (let first = 1; first <= population; first += USER_BATCH) {
    const last = Math.min(population, first + USER_BATCH - 1);
    const batch = Array.from({ length: last - first + 1 }, (_, i) => userMessage(users.user(first + i)));
    await sink.send(settings.topics.users, batch);
    onUsers?.(last);
  }
  return population;
}

async function waitForOffsets(brokers: string[], security: KafkaSecurity | undefined, topic: string, atLeast: number, signal: AbortSignal): Promise<void> {
  while (!signal.aborted && (await topicEndOffset(brokers, topic, security)) < atLeast) await sleep(500, signal);
}

export async function produceClickstream(context: ScenarioProduceContext, settings: ClickstreamConfig): Promise<void> {
  const { targets, signal, rate } = context;
  if (!(rate > 0)) throw new RangeError(`the clickstream producer needs a rate above 0 clicks/s, got ${rate}`);
  const population = Math.max(1, context.population);
  const brokers = targets.kafkaBootstrap;
  const security = targets.kafkaSecurity;
  const sink = await openKafkaSink({ brokers, security, clientId: 'clickstream-producers' });
  try {
    await sendReferenceData(sink, settings, population, (done) => context.progress('users', done));
    await waitForOffsets(brokers, security, settings.topics.codes, STATUS_CODES.length, signal);
    await waitForOffsets(brokers, security, settings.topics.users, population, signal);
    const { traffic } = settings;
    const clicks = new ClickGenerator({
      // A new click sequence each run; the users (and their IPs) stay those of the configured seed.
      seed: deriveSeed(traffic.seed, Date.now()),
      users: new WebUserGenerator(traffic.seed),
      activeUsers: Math.min(traffic.activeUsers, population),
      burstShare: traffic.burstShare,
    });
    let total = 0;
    while (!signal.aborted) {
      const result = await pump({
        count: Math.max(1, Math.round(traffic.activeSeconds * rate)),
        next: () => clickMessage(clicks.next()),
        write: (batch) => sink.send(settings.topics.clickstream, batch),
        batchSize: Math.max(1, Math.ceil(rate / 10)),
        rate,
        signal,
        onProgress: (p) => context.progress('clicks', total + p.done),
      });
      total += result.done;
      await sleep(traffic.pauseSeconds * 1000, signal);
    }
  } finally {
    await sink.close();
  }
}
