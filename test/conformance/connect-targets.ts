/**
 * What the Connect conformance suite runs against: one real Kafka (reference/, 1 node), a real Kafka Connect
 * worker with real Debezium (reference/connect/) and our embedded Connect, both workers on that same Kafka
 * (each with its own internal topics). Ours runs as its own process (`npm run connect`'s CLI), as the real one
 * does, so both can be stopped cleanly (SIGTERM/SIGINT) or crashed (SIGKILL). When Java/Maven/the jars are
 * missing or a reference cannot start, the reason is returned and the suite skips with it printed; ours not
 * starting throws.
 */
import { startNodeScript, type Child } from '../faults/processes.ts';
import { referenceConnectUnavailableReason, startReferenceConnect, type ReferenceConnect } from '../../reference/connect/index.ts';
import { referenceUnavailableReason, startReferenceKafka, type ReferenceKafka } from '../../reference/index.ts';
import { run } from '../support/kafka.ts';
import type { TopicRecord } from './record-diff.ts';

export interface ConnectTargets {
  kafka?: ReferenceKafka;
  /** The real worker's REST URL. */
  reference?: ReferenceConnect;
  ours?: OurWorker;
  skipReason?: string;
  stop(): Promise<void>;
}

export async function startConnectTargets(log: (line: string) => void): Promise<ConnectTargets> {
  const unavailable = referenceUnavailableReason() ?? referenceConnectUnavailableReason();
  if (unavailable) return { skipReason: unavailable, stop: async () => {} };
  let kafka: ReferenceKafka | undefined;
  let reference: ReferenceConnect | undefined;
  let ours: OurWorker | undefined;
  const stop = async () => {
    await Promise.all([reference?.stop(), ours?.stop()]);
    await kafka?.stop();
  };
  try {
    kafka = await startReferenceKafka({ brokers: 1, log: (l) => log(`kafka: ${l}`) });
    reference = await startReferenceConnect({ bootstrap: kafka.bootstrap, groupId: REFERENCE_GROUP, log: (l) => log(`connect: ${l}`) });
  } catch (error) {
    await stop().catch(() => {});
    return { skipReason: `a reference could not start: ${(error as Error).message.split('\n')[0]}`, stop: async () => {} };
  }
  // Ours failing to start is a failure of the suite, not a reason to skip it.
  try {
    ours = await startOurs(kafka.bootstrap);
  } catch (error) {
    await stop().catch(() => {});
    throw new Error(`our embedded Connect could not start against the real Kafka: ${(error as Error).message}`, { cause: error });
  }
  log(
    `Kafka ${kafka.version} at ${kafka.bootstrap}; real Connect ${reference.connectVersion} + Debezium ${reference.debeziumVersion} at ${reference.url} (ready in ${reference.startupMs} ms); ours at ${ours.url}`,
  );
  return { kafka, reference, ours, stop };
}

const REFERENCE_GROUP = 'reference-connect';

/** Our worker's process: its REST URL, a clean stop (SIGINT: offsets committed) and a crash (SIGKILL). */
export interface OurWorker {
  url: string;
  stop(): Promise<void>;
  kill(): Promise<void>;
}

const OUR_TOPICS = { configs: 'ours-connect-configs', offsets: 'ours-connect-offsets', status: 'ours-connect-status' };

async function startOurs(bootstrap: string): Promise<OurWorker> {
  const child: Child & { match: RegExpExecArray } = await startNodeScript(
    'embedded/connect/cli.ts',
    [
      '--port',
      '0',
      '--bootstrap',
      bootstrap,
      '--quiet',
      '--config-topic',
      OUR_TOPICS.configs,
      '--offset-topic',
      OUR_TOPICS.offsets,
      '--status-topic',
      OUR_TOPICS.status,
    ],
    /REST API ready at (http:\/\/\S+)/,
    60_000,
  );
  return {
    url: child.match[1]!.replace(/;$/, ''),
    stop: async () => {
      await child.interrupt();
    },
    kill: () => child.kill9(),
  };
}

/** Both workers started again (after their stop) on the same Kafka, group and internal topics: they resume their connectors. */
export async function restartConnectTargets(previous: ConnectTargets, bootstrap: string, log: (line: string) => void): Promise<ConnectTargets> {
  const [reference, ours] = await Promise.all([
    startReferenceConnect({ bootstrap, groupId: REFERENCE_GROUP, log: (l) => log(`connect: ${l}`) }),
    startOurs(bootstrap),
  ]);
  const kafka = previous.kafka;
  return {
    kafka,
    reference,
    ours,
    stop: async () => {
      await Promise.all([reference.stop(), ours.stop()]);
      await kafka?.stop();
    },
  };
}

/** One REST call; the body parsed when it is JSON. */
export async function rest(baseUrl: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, body: parsed };
}

/** Every record of `topic` (none when it does not exist yet), read with kcat to the end. */
export async function readTopic(bootstrap: string, topic: string): Promise<TopicRecord[]> {
  const result = await run('kcat', ['-b', bootstrap, '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-J'], undefined, 30_000);
  if (result.code !== 0) {
    if (/Unknown topic|UNKNOWN_TOPIC/i.test(result.stderr)) return [];
    throw new Error(`kcat could not read ${topic}: ${result.stderr.trim()}`);
  }
  return result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => ({ ...(JSON.parse(l) as TopicRecord), topic }));
}
