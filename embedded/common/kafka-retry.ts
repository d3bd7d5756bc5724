import type { Admin } from 'kafkajs';

/**
 * Retrying a kafkajs admin call that failed with a retriable Kafka error. Right after a topic is created,
 * real Kafka answers Metadata and ListOffsets for it with 3 UNKNOWN_TOPIC_OR_PARTITION, 5 LEADER_NOT_AVAILABLE
 * or 6 NOT_LEADER_OR_FOLLOWER until every broker knows the new leader, and kafkajs's admin passes these through.
 */
export async function retryRetriable<T>(call: () => Promise<T>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!isRetriable(error) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** attempt, 1_000)));
    }
  }
}

/** A retriable Kafka error, or kafkajs giving up after its own retries of one (KafkaJSNumberOfRetriesExceeded keeps it as `cause`). */
function isRetriable(error: unknown): boolean {
  for (let e = error as { retriable?: boolean; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (e.retriable === true) return true;
  }
  return false;
}

/**
 * `admin.createTopics` waiting for the leaders, as real Kafka needs it: kafkajs's own wait for the new
 * leaders gives up when a broker that has not heard of a topic yet answers 3 UNKNOWN_TOPIC_OR_PARTITION,
 * though the topic was created. So a retriable failure is asked again, "already exists" (our own first
 * try, or another worker) counts as done, and the call returns once Metadata shows every topic with its
 * leaders.
 */
export async function createTopicsAndWait(admin: Admin, options: Parameters<Admin['createTopics']>[0], timeoutMs = 30_000): Promise<void> {
  await retryRetriable(() => admin.createTopics({ ...options, waitForLeaders: true }), timeoutMs).catch((error: unknown) => {
    if (!/already exists/i.test(String((error as Error).message))) throw error;
  });
  await retryRetriable(() => admin.fetchTopicMetadata({ topics: options.topics.map((t) => t.topic) }), timeoutMs);
}
