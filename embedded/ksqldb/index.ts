// Public entry point of the embedded ksqlDB.
// The engine core (statements, queries, record processing) is complete; the Kafka runtime and the
// REST server that `startKsqlDb` will start are the next phase and plug in around KsqlEngine.
export { KsqlEngine } from './engine.ts';
export type { EngineOptions, Entity, ExecuteResult, ProcessingLogEntry, SourceDescription, TransientQuery, TransientRow } from './engine.ts';
export { KsqlError } from './errors.ts';
export type { SinkRecord, SourceRecord, TopicSpec } from './io.ts';
export { Metastore } from './metastore.ts';
export type { DataSource, MetastoreSnapshot, QueryInfo } from './metastore.ts';
export { MemoryStateBackend, MemoryStore } from './state/store.ts';
export type { ChangeHook, KeyValueStore, StateBackend } from './state/store.ts';

export interface KsqlDbOptions {
  port: number;
  host: string;
  /** Kafka bootstrap servers, comma-separated */
  bootstrap: string;
}

export interface KsqlDbHandle {
  url: string;
  stop(): Promise<void>;
}

/** Starts the ksqlDB server (REST API over a kafkajs runtime). Not implemented yet: next phase. */
export async function startKsqlDb(opts: KsqlDbOptions): Promise<KsqlDbHandle> {
  throw new Error(`embedded ksqlDB server is not implemented yet (engine core only); cannot listen on ${opts.host}:${opts.port}`);
}
