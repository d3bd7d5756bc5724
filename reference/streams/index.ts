/**
 * The Kafka Streams reference: a small Java application (reference/streams/src) that computes what the
 * project's ksql/ statements compute (CLEANED_USERS, PAGEVIEW_COUNTRY, the tumbling, hopping and session
 * counts per source) with Apache Kafka Streams, the library ksqlDB runs on: the same topics, JSON keys
 * and values, windowed keys and session tombstones. A TEST AND BENCHMARK REFERENCE for our ksqlDB
 * engine; never used by `npm start`. Built once with Maven (pom.xml: kafka-streams at the Kafka
 * reference's version) into `.reference/streams/<version>-<source hash>/`, git-ignored, and re-used
 * until its sources change.
 *
 *   const app = await startReferenceStreams({ bootstrap: kafka.bootstrap, config, log: console.log });
 *   await app.stop();
 */
import { stopChild } from '../../embedded/common/stop-child.ts';
import type { AppConfig } from '../../config/index.ts';
import { waitUntilReady } from '../readiness.ts';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { COMPLETE_MARKER, hasCommand, isFetched, tailOf } from '../maven.ts';
import { referenceKafkaVersion } from '../index.ts';

const SRC = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(SRC, '..', '..');
const POM = path.join(SRC, 'pom.xml');
const JAVA_SOURCES = path.join(SRC, 'src');
const LOG4J = path.join(SRC, '..', 'log4j2.properties');
const APP_JAR = 'pageview-streams-1.jar';
const MAIN_CLASS = 'pageview.streams.Main';

/** The pom and every Java source, hashed: a changed source builds a new cache folder. */
function sourceHash(): string {
  const hash = crypto.createHash('sha256');
  const files = [POM, ...listFiles(JAVA_SOURCES)].sort();
  for (const file of files) hash.update(`${path.relative(SRC, file)}\n`).update(fs.readFileSync(file));
  return hash.digest('hex').slice(0, 12);
}

function listFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

/** Where the built application lives: $STREAMS_REFERENCE_HOME or .reference/streams, then <kafka version>-<source hash>. */
export function referenceStreamsDir(): string {
  const home = process.env.STREAMS_REFERENCE_HOME ?? path.join(REPO_ROOT, '.reference', 'streams');
  return path.join(home, `${referenceKafkaVersion()}-${sourceHash()}`);
}

export function referenceStreamsIsBuilt(): boolean {
  return isFetched(referenceStreamsDir());
}

/** The reason the reference cannot run here, or undefined if it can (or may: Maven is present). */
export function referenceStreamsUnavailableReason(): string | undefined {
  if (!hasCommand('java', ['-version'])) return 'java is not installed';
  if (referenceStreamsIsBuilt()) return undefined;
  if (!hasCommand('mvn', ['-v'])) return `mvn is not installed and ${referenceStreamsDir()} is not built`;
  return undefined;
}

/**
 * Builds the application (compile, jar, copy its runtime jars) unless this version of its sources is
 * already built; resolves with the folder. Staged next to it and renamed when complete, so a broken
 * build never passes for a cache. One progress line per downloaded jar.
 * @throws with Maven's first ERROR line (a compile error, Maven Central unreachable)
 */
export async function buildReferenceStreams(log: (line: string) => void = () => {}): Promise<string> {
  const dir = referenceStreamsDir();
  if (isFetched(dir)) return dir;
  if (!hasCommand('java', ['-version'])) throw new Error('java is not installed (Kafka Streams 4.x needs Java 17+)');
  if (!hasCommand('mvn', ['-v'])) throw new Error(`mvn is not installed and ${dir} is not built (install Maven: apt-get install maven)`);
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  log(`building the Kafka Streams reference (Kafka Streams ${referenceKafkaVersion()}) into ${dir}`);
  const started = Date.now();
  const child = spawn(
    'mvn',
    [
      '-B',
      '-f',
      POM,
      `-Dkafka.version=${referenceKafkaVersion()}`,
      `-Dstreams.build.dir=${staging}`,
      'package',
      'dependency:copy-dependencies',
      `-DoutputDirectory=${path.join(staging, 'lib')}`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const tail: string[] = [];
  let jars = 0;
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
    const jar = /Downloaded from \S+: \S*\/([^/]+\.jar) /.exec(line);
    if (jar) log(`  downloaded ${jar[1]} (${++jars})`);
    if (/Compiling \d+ source file/.test(line)) log(`  ${line.replace(/^\[INFO\]\s*/, '')}`);
  };
  readline.createInterface({ input: child.stdout! }).on('line', onLine);
  readline.createInterface({ input: child.stderr! }).on('line', onLine);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0 || !fs.existsSync(path.join(staging, APP_JAR))) {
    fs.rmSync(staging, { recursive: true, force: true });
    const reason = tail.find((l) => /ERROR/.test(l)) ?? tail.at(-1) ?? `exit code ${code}`;
    throw new Error(`mvn could not build the Kafka Streams reference: ${reason.replace(/\x1b\[[0-9;]*m/g, '').trim()}`);
  }
  // only what runs is kept: the application's jar and its runtime jars
  for (const entry of fs.readdirSync(staging)) if (entry !== APP_JAR && entry !== 'lib') fs.rmSync(path.join(staging, entry), { recursive: true, force: true });
  fs.writeFileSync(path.join(staging, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return dir;
}

/** The topics and windows of the project's config, as the application's command line. */
export function streamsArguments(config: AppConfig): string[] {
  const { topics, windows, kafka } = config;
  return [
    '--topic-pageview',
    topics.pageview,
    '--topic-users',
    topics.users,
    '--topic-cleaned-users',
    topics.cleanedUsers,
    '--topic-pageview-country',
    topics.pageviewCountry,
    '--topic-tumbling',
    topics.pageviewTumbling,
    '--topic-hopping',
    topics.pageviewHopping,
    '--topic-session',
    topics.pageviewSession,
    '--partitions',
    String(kafka.partitions),
    '--replicas',
    String(kafka.replicationFactor),
    '--tumbling-seconds',
    String(windows.tumblingSeconds),
    '--hopping-seconds',
    String(windows.hoppingSeconds),
    '--hopping-advance-seconds',
    String(windows.hoppingAdvanceSeconds),
    '--session-gap-seconds',
    String(windows.sessionGapSeconds),
  ];
}

export interface ReferenceStreamsOptions {
  /** Kafka's bootstrap list. */
  bootstrap: string;
  /** Topic names, partitions, replicas and window lengths (the same config the ksql/ statements are rendered from). */
  config: AppConfig;
  /** The Streams application.id (its consumer group and internal topics' prefix). Default: a fresh one. */
  applicationId?: string;
  /** commit.interval.ms. Default 2000 (ksqlDB's). */
  commitIntervalMs?: number;
  /** statestore.cache.max.bytes. Default 10 MiB (ksqlDB's). */
  cacheBytes?: number;
  /** num.stream.threads. Default 1. */
  threads?: number;
  /** Max JVM heap in MiB. Default 512. */
  heapMb?: number;
  /** Progress lines (building, starting). */
  log?: (line: string) => void;
  /** How long to wait for the RUNNING state. Default 120 s. */
  readyTimeoutMs?: number;
}

export interface ReferenceStreams {
  applicationId: string;
  pid: number;
  logFile: string;
  /** Milliseconds from spawning the JVM to the RUNNING state. */
  startupMs: number;
  /** SIGTERM (the application closes Kafka Streams), SIGKILL after 20 s; removes its state and log folder. */
  stop(): Promise<void>;
}

/**
 * Builds (if needed) and starts the application against `bootstrap`; resolves once Kafka Streams is
 * RUNNING (its tasks assigned). It creates the ksql/ topics that are missing, as the statements do.
 */
export async function startReferenceStreams(options: ReferenceStreamsOptions): Promise<ReferenceStreams> {
  const log = options.log ?? (() => {});
  const dir = await buildReferenceStreams(log);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'streams-reference-'));
  const applicationId = options.applicationId ?? `pageview-streams-${crypto.randomBytes(4).toString('hex')}`;
  const logFile = path.join(workDir, 'streams.log');
  const out = fs.openSync(logFile, 'a');
  const started = Date.now();
  const child = spawn(
    'java',
    [
      '-Xms64m',
      `-Xmx${options.heapMb ?? 512}m`,
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${LOG4J}`,
      '-cp',
      `${path.join(dir, APP_JAR)}${path.delimiter}${path.join(dir, 'lib', '*')}`,
      MAIN_CLASS,
      '--bootstrap',
      options.bootstrap,
      '--application-id',
      applicationId,
      '--state-dir',
      path.join(workDir, 'state'),
      ...streamsArguments(options.config),
      '--commit-interval-ms',
      String(options.commitIntervalMs ?? 2000),
      '--cache-bytes',
      String(options.cacheBytes ?? 10 * 1024 * 1024),
      '--threads',
      String(options.threads ?? 1),
    ],
    { stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  let exited: string | undefined;
  child.on('exit', (code, signal) => {
    exited ??= `the Kafka Streams reference exited (${signal ?? code}):\n${tailOf(logFile)}`;
  });
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await stopChild(child);
    fs.rmSync(workDir, { recursive: true, force: true });
  };
  log(`starting the Kafka Streams reference (application.id ${applicationId}, pid ${child.pid})`);
  try {
    await waitUntilReady(
      'the Kafka Streams reference',
      async () => {
        const text = fs.readFileSync(logFile, 'utf8');
        if (/^failed: /m.test(text)) throw new Error(`the Kafka Streams reference failed:\n${tailOf(logFile)}`);
        if (/^state RUNNING$/m.test(text)) return true;
        return /^state (\w+)$/gm.exec(text)?.[1] ?? 'not started';
      },
      { deadline: Date.now() + (options.readyTimeoutMs ?? 120_000), everyMs: 100, exited: () => exited },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const startupMs = Date.now() - started;
  log(`Kafka Streams reference running in ${(startupMs / 1000).toFixed(1)} s`);
  return { applicationId, pid: child.pid!, logFile, startupMs, stop };
}
