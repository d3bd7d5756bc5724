/**
 * The seeded data set the clickstream tests feed the pipeline: a few users clicking at a steady rate
 * with the demo's sessionize pauses, error bursts in some minutes, and the event times pinned to a
 * fixed base, so every window, alert and session is the same on every run.
 */
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { ClickstreamConfig } from '../../config/scenarios/clickstream.ts';
import { ClickGenerator, sessionizedClock, type Click } from '../../scenarios/clickstream/generate/clicks.ts';
import { WebUserGenerator, type WebUser } from '../../scenarios/clickstream/generate/users.ts';
import { clickMessage, type ClickstreamMessage } from '../../scenarios/clickstream/messages.ts';
import { sendReferenceData } from '../../scenarios/clickstream/produce.ts';
import { openKafkaSink } from '../../producers/sinks/kafka-events.ts';

export interface DataSetOptions {
  /** Seed of the clicks; the users are those of settings.traffic.seed, as the producer writes them. */
  seed: number;
  users: number;
  clicks: number;
  /** Event time of the first click. */
  base: number;
  ratePerSecond: number;
}

export interface ClickstreamDataSet {
  users: WebUser[];
  clicks: Click[];
}

export function clickstreamDataSet(settings: ClickstreamConfig, options: DataSetOptions): ClickstreamDataSet {
  const users = new WebUserGenerator(settings.traffic.seed);
  const { traffic } = settings;
  const clock = sessionizedClock({
    base: options.base,
    ratePerSecond: options.ratePerSecond,
    activeMs: traffic.activeSeconds * 1000,
    pauseMs: traffic.pauseSeconds * 1000,
  });
  const clicks = new ClickGenerator({ seed: options.seed, users, activeUsers: options.users, burstShare: traffic.burstShare, clock });
  return { users: users.users(options.users), clicks: clicks.take(options.clicks) };
}

async function send(brokers: string[], topic: string, messages: ClickstreamMessage[]): Promise<void> {
  const producer = new Kafka({ clientId: 'clickstream-test', brokers, logLevel: logLevel.NOTHING }).producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    idempotent: true,
    maxInFlightRequests: 1,
  });
  await producer.connect();
  try {
    for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
  } finally {
    await producer.disconnect();
  }
}

/** Codes and users through the scenario's own producer code. */
export async function sendReference(brokers: string[], settings: ClickstreamConfig, data: ClickstreamDataSet): Promise<void> {
  const sink = await openKafkaSink({ brokers, clientId: 'clickstream-test' });
  try {
    await sendReferenceData(sink, settings, data.users.length);
  } finally {
    await sink.close();
  }
}

export async function sendClicks(brokers: string[], settings: ClickstreamConfig, data: ClickstreamDataSet): Promise<void> {
  await send(brokers, settings.topics.clickstream, data.clicks.map(clickMessage));
}
