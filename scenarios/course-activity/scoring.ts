/**
 * The seed's prediction step: a small scoring producer reads each user's aggregate over their sessions
 * (MOODLE_LOGS_PREDICTION_AGG) and writes a withdrawal prediction to MOODLE_LOGS_PREDICTION, which
 * ksqlDB filters into the at-risk stream. The model is deliberately simple and stated here: little
 * activity per session and short sessions mean a high risk.
 */
import { kafkaConfig } from '../../config/kafka-client.ts';
import type { KafkaSecurity } from '../../config/kafka-security.ts';
import { Kafka, logLevel } from 'kafkajs';
import { openKafkaSink } from '../../producers/sinks/kafka-events.ts';
import type { CourseActivityConfig } from '../../config/scenarios/course-activity.ts';

export interface UserAggregate {
  userid: number;
  activities: number;
  /** Mean session duration in seconds. */
  duration: number;
  sessions: number;
}

/** Risk of withdrawal in [0, 1): 1 / (1 + activities per session / 8 + mean minutes per session / 60). */
export function riskScore(agg: UserAggregate): number {
  const perSession = agg.sessions > 0 ? agg.activities / agg.sessions : 0;
  return Math.round((1 / (1 + perSession / 8 + agg.duration / 60 / 60)) * 1000) / 1000;
}

/** Reads the aggregate topic from the start and, every interval, scores the users whose aggregate changed, until the signal aborts. */
export async function runScoring(
  brokers: string[],
  settings: CourseActivityConfig,
  signal: AbortSignal,
  onScored: (n: number) => void = () => {},
  security?: KafkaSecurity,
): Promise<void> {
  const kafka = new Kafka(kafkaConfig({ brokers, security }, { clientId: 'course-activity-scoring', logLevel: logLevel.NOTHING }));
  const consumer = kafka.consumer({ groupId: 'course-activity-scoring' });
  const sink = await openKafkaSink({ brokers, security, clientId: 'course-activity-scoring' });
  const changed = new Map<number, UserAggregate>();
  let scored = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic: settings.topics.predictionAgg, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (!message.value) return;
        const value = JSON.parse(message.value.toString()) as Record<string, unknown>;
        const userid = Number(value.userid_value ?? JSON.parse(message.key?.toString() ?? 'null'));
        if (!Number.isFinite(userid)) return;
        changed.set(userid, {
          userid,
          activities: Number(value.ACTIVITIES ?? value.activities),
          duration: Number(value.DURATION ?? value.duration),
          sessions: Number(value.SESSIONS ?? value.sessions),
        });
      },
    });
    while (!signal.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, settings.scoringIntervalMs);
        signal.addEventListener(
          'abort',
          () => {
            clearTimeout(timer);
            resolve();
          },
          { once: true },
        );
      });
      if (changed.size === 0) continue;
      const batch = [...changed.values()];
      changed.clear();
      const now = Date.now();
      await sink.send(
        settings.topics.prediction,
        batch.map((agg) => ({
          key: String(agg.userid),
          value: JSON.stringify({ userid: agg.userid, prediction: riskScore(agg), created_date: now }),
        })),
      );
      scored += batch.length;
      onScored(scored);
    }
  } finally {
    await consumer.disconnect().catch(() => undefined);
    await sink.close();
  }
}
