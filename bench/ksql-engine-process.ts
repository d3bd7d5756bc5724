/**
 * Our ksqlDB server in a process of its own for bench/ksql-reference.ts, so its CPU time and memory are
 * measured alone (from /proc), as the Kafka Streams JVM's are. Started with fork() and an IPC channel:
 * argv is the bootstrap list and the service id; it sends { url } once the REST API is up, and answers
 * each 'caught-up?' message with { caughtUp } (every query has processed to the end offsets of its
 * inputs and written what it caused). SIGTERM stops it cleanly.
 */
import { startKsqlDb } from '../embedded/ksqldb/index.ts';

const [bootstrap, serviceId] = process.argv.slice(2);
if (!bootstrap || !serviceId || !process.send) {
  console.error('usage: fork("bench/ksql-engine-process.ts", [bootstrap, serviceId]) with an IPC channel');
  process.exit(2);
}

// as the stack runs it (stack/embedded-stack.ts): ksqlDB's record cache on, so tables emit their latest
// value per key per flush, as Kafka Streams' 10 MiB cache does in the reference
const server = await startKsqlDb({
  port: 0,
  bootstrap,
  serviceId,
  properties: { 'ksql.streams.auto.offset.reset': 'earliest', 'ksql.streams.cache.max.bytes.buffering': '10000000' },
});
process.on('message', (message) => {
  if (message !== 'caught-up?') return;
  server.runtime.caughtUp().then(
    (caughtUp) => process.send!({ caughtUp }),
    (error: unknown) => process.send!({ caughtUp: false, error: (error as Error).message }),
  );
});
process.once('SIGTERM', () => {
  void server.stop().finally(() => process.exit(0));
});
process.send({ url: server.url });
