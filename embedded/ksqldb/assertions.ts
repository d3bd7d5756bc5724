// ASSERT TOPIC and ASSERT SCHEMA, as ksqlDB's AssertTopicExecutor / AssertSchemaExecutor check them:
// retried every 100 ms until they hold or their timeout (the statement's TIMEOUT, else
// ksql.assert.topic.default.timeout.ms / ksql.assert.schema.default.timeout.ms, 1000 ms) has passed;
// a failed assertion is answered with HTTP 417 and error code 41700.
import type { PropValue } from './parser/ast.ts';

export interface TopicAssertion {
  kind: 'topic';
  topic: string;
  exists: boolean;
  /** WITH (...): only PARTITIONS and REPLICAS can be checked */
  properties: Record<string, PropValue>;
  timeoutMs: number;
}

export interface SchemaAssertion {
  kind: 'schema';
  subject?: string;
  id?: number;
  exists: boolean;
  timeoutMs: number;
}

/** a topic as the broker describes it: its partitions' replica counts */
export interface TopicInfo {
  name: string;
  replicaInfo: number[];
}

const RETRY_MS = 100;

/** why the topic assertion does not hold in `topics`, or undefined when it does */
export function topicAssertionFailure(a: TopicAssertion, topics: TopicInfo[]): string | undefined {
  const topic = topics.find((t) => t.name === a.topic);
  if (!a.exists) return topic ? `Topic ${a.topic} exists` : undefined;
  if (!topic) return `Topic ${a.topic} does not exist`;
  const actual = { partitions: topic.replicaInfo.length, replicas: topic.replicaInfo[0] ?? 0 };
  const errors: string[] = [];
  for (const [name, expected] of Object.entries(a.properties)) {
    const which = name.toLowerCase();
    if (which !== 'partitions' && which !== 'replicas') {
      errors.push(`Cannot assert unknown topic property: ${name}`);
      continue;
    }
    // ksqlDB compares only an integer literal
    if (typeof expected !== 'number' || !Number.isInteger(expected) || expected !== actual[which]) {
      errors.push(`Mismatched configuration for topic ${a.topic}: For config ${which}, expected ${String(expected)} got ${actual[which]}`);
    }
  }
  return errors.length ? errors.join('\n') : undefined;
}

/**
 * Why the schema assertion fails. This server has no schema registry (the formats that need one are
 * not supported), so, as ksqlDB without `ksql.schema.registry.url`, it cannot check either way.
 */
export function schemaAssertionFailure(): string {
  return 'Cannot check schema existence: KSQL is not configured to use a schema registry. To enable it, please set ksql.schema.registry.url';
}

/** re-checks every 100 ms until `failure` answers undefined or the timeout passes; the last failure, if any */
export async function awaitAssertion(timeoutMs: number, failure: () => Promise<string | undefined>): Promise<string | undefined> {
  const attempts = Math.floor(timeoutMs / RETRY_MS) + 1;
  let last: string | undefined;
  for (let i = 0; i < attempts; i++) {
    last = await failure();
    if (last === undefined) return undefined;
    if (i < attempts - 1) await new Promise((r) => setTimeout(r, RETRY_MS));
  }
  return last;
}

/** an assertion that did not hold: the REST API answers 417 with its message */
export class AssertionFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionFailed';
  }
}
