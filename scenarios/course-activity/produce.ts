/**
 * The producers of `npm start -- --scenario course-activity`: Moodle activity inserted into MySQL at
 * the given rate (the CDC source carries it to Kafka), in rounds of a few hours of simulated time per
 * round over `population` users, and the scoring producer (scoring.ts) beside it, until the signal aborts.
 */
import mysql from 'mysql2/promise';
import type { CourseActivityConfig } from '../../config/scenarios/course-activity.ts';
import { deriveSeed } from '../../producers/generate/random.ts';
import type { ScenarioProduceContext } from '../scenario.ts';
import { generateActivity, type ActivityRow } from './activity.ts';
import { runScoring } from './scoring.ts';

const ROUND_MS = 6 * 3_600_000;

export async function insertActivity(pool: mysql.Pool, settings: CourseActivityConfig, rows: ActivityRow[]): Promise<void> {
  if (rows.length === 0) return;
  await pool.query(`INSERT INTO \`${settings.database}\`.\`${settings.table}\` (eventname, userid, timecreated) VALUES ?`, [
    rows.map((r) => [r.eventname, r.userid, r.timecreated]),
  ]);
}

export async function produceCourseActivity(context: ScenarioProduceContext, settings: CourseActivityConfig): Promise<void> {
  const { signal, rate } = context;
  if (!(rate > 0)) throw new RangeError(`the course-activity producer needs a rate above 0 activities/s, got ${rate}`);
  const scoring = runScoring(context.targets.kafkaBootstrap, settings, signal, (n) => context.progress('predictions', n), context.targets.kafkaSecurity);
  const pool = mysql.createPool({ uri: context.targets.mysqlUrl, connectionLimit: 2 });
  let inserted = 0;
  try {
    const [rows] = await pool.query(`SELECT COALESCE(MAX(timecreated), 0) AS last FROM \`${settings.database}\`.\`${settings.table}\``);
    const last = Number((rows as { last: number }[])[0]!.last);
    let start = Math.max(last + ROUND_MS, Date.UTC(2019, 6, 1));
    for (let round = 0; !signal.aborted; round++) {
      const activity = generateActivity({
        seed: deriveSeed(settings.seed, start),
        users: Math.max(1, context.population),
        startMs: start,
        sessionsPerUser: [1, 3],
        activitiesPerSession: [1, 8],
      });
      const batchSize = Math.max(1, Math.ceil(rate / 10));
      for (let i = 0; i < activity.length && !signal.aborted; i += batchSize) {
        await insertActivity(pool, settings, activity.slice(i, i + batchSize));
        inserted += Math.min(batchSize, activity.length - i);
        context.progress('activities', inserted);
        await new Promise((r) => setTimeout(r, (batchSize / rate) * 1000));
      }
      start = activity[activity.length - 1]!.timecreated + ROUND_MS;
    }
  } finally {
    await pool.end();
    await scoring;
  }
}
