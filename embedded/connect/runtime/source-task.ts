/** What a connector's source task hands the worker, as Connect's SourceTask/SourceRecord. */
import type { SchemaAndValue } from '../data/schema.ts';

export type SourcePartition = Record<string, unknown>;
export type SourceOffset = Record<string, unknown>;

export interface SourceRecord {
  /** Never changed once handed out (the worker keeps its JSON per object). */
  sourcePartition: SourcePartition;
  /** null for records whose position is not tracked (bulk mode). */
  sourceOffset: SourceOffset | null;
  topic: string;
  /** The Kafka partition the connector chose (Debezium's schema change events: 0); else the worker hashes the key. */
  kafkaPartition?: number;
  key: SchemaAndValue;
  value: SchemaAndValue;
}

export interface OffsetReader {
  offset(partition: SourcePartition): SourceOffset | undefined;
}

export interface SourceTask {
  /** Topics this task may write (for the resume scan); may be called after start(). */
  topics(): string[];
  /** May wait for its source (connection retries); the signal aborts when the task is stopped meanwhile. */
  start(offsets: OffsetReader, signal?: AbortSignal): Promise<void>;
  /** Waits until records are due (or the signal aborts: then resolves with []). Throws to fail the task. */
  poll(signal: AbortSignal): Promise<SourceRecord[]>;
  stop(): Promise<void>;
  /** Orders two offsets of the same source partition; undefined when they cannot be compared. */
  compareOffsets(a: SourceOffset, b: SourceOffset): number | undefined;
}

/** What a connector may ask of the worker while it runs (Connect's ConnectorContext). */
export interface ConnectorContext {
  /** Its task configs may have changed: the worker asks for them again and restarts the tasks if they did. */
  requestTaskReconfiguration(): void;
}

export interface SourceConnector {
  /** Resolves what the tasks will do (may read the database); throws to fail the connector. */
  start(config: Record<string, string>, context?: ConnectorContext): Promise<void>;
  taskConfigs(maxTasks: number): Record<string, string>[];
  createTask(taskConfig: Record<string, string>): SourceTask;
  stop(): Promise<void>;
}

/** An error with Connect's exception class in its trace ("org.apache.kafka.connect.errors.ConnectException: …"). */
export class ConnectException extends Error {
  override name = 'org.apache.kafka.connect.errors.ConnectException';
}

/** A Java-style trace: "Class: message\n\tat …" plus "Caused by: …" for each cause. */
export function javaTrace(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  let first = true;
  const seen = new Set<unknown>();
  while (current !== undefined && current !== null && !seen.has(current)) {
    seen.add(current);
    const e = current instanceof Error ? current : new Error(String(current));
    const head = `${javaName(e)}: ${e.message}`;
    lines.push(first ? head : `Caused by: ${head}`);
    const frames = (e.stack ?? '')
      .split('\n')
      .filter((l) => /^\s+at /.test(l))
      .slice(0, 12)
      .map((l) => `\t${l.trim()}`);
    lines.push(...frames);
    first = false;
    current = (e as { cause?: unknown }).cause;
  }
  return lines.join('\n');
}

function javaName(e: Error): string {
  if (e.name.includes('.')) return e.name;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && (code.startsWith('ER_') || /^E[A-Z]+$/.test(code) || code.startsWith('PROTOCOL_'))) return 'java.sql.SQLException';
  if (e.name === 'DataException') return 'org.apache.kafka.connect.errors.DataException';
  if (e.name === 'KafkaJSError' || e.name.startsWith('KafkaJS')) return 'org.apache.kafka.common.KafkaException';
  return `java.lang.RuntimeException`;
}
