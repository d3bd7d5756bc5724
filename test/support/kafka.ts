/** Test helpers for the embedded cluster: a private cluster on free ports in a temp dir, and quiet kafkajs clients. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { startKafkaCluster, type KafkaCluster, type KafkaClusterOptions } from '../../embedded/kafka/index.ts';
export { eventually, waitFor } from './wait.ts';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
}

export async function startTestCluster(options: KafkaClusterOptions = {}): Promise<KafkaCluster> {
  return startKafkaCluster({ firstPort: 0, dataDir: tempDir('kafka-test'), ...options });
}

export function kafkaClient(cluster: KafkaCluster, extra: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: 'test',
    brokers: cluster.bootstrap().split(','),
    logLevel: logLevel.NOTHING,
    retry: { retries: 8, initialRetryTime: 100 },
    ...extra,
  });
}

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command with optional stdin; rejects only if it cannot start. */
export function run(command: string, args: string[], input?: string | Buffer, timeoutMs = 30_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin.end(input);
    else child.stdin.end();
  });
}

/** Each partition's end offset (the offset the next record will get). */
export async function endOffsets(kafka: Kafka, topic: string): Promise<Map<number, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * How far a consumer has read, per partition. Once it has read through a topic's end offsets, everything it
 * will be handed of those records has been handed: a count taken then shows a duplicate or a stray record,
 * where a count taken after a fixed pause shows one only if it arrived within the pause.
 */
export class ReadPosition {
  private readonly next = new Map<number, bigint>();

  /** Notes a record handed to the consumer (its partition and offset, as kafkajs gives them). */
  record(partition: number, offset: string): void {
    const after = BigInt(offset) + 1n;
    if (after > (this.next.get(partition) ?? 0n)) this.next.set(partition, after);
  }

  /** True once every record below `ends` has been handed, in partitions whose end is past `from` (where reading starts). */
  readThrough(ends: Map<number, bigint>, from: Map<number, bigint> = new Map()): boolean {
    for (const [partition, end] of ends) {
      if (end > (from.get(partition) ?? 0n) && (this.next.get(partition) ?? 0n) < end) return false;
    }
    return true;
  }
}
