// The metastore: streams, tables and the persistent queries that write them. Pure data, serialisable.
import type { WindowType } from './formats/index.ts';
import type { LogicalSchema, SqlType } from './types.ts';

export interface DataSource {
  name: string;
  type: 'STREAM' | 'TABLE';
  schema: LogicalSchema;
  topic: string;
  keyFormat: string;
  valueFormat: string;
  valueDelimiter?: string;
  keyDelimiter?: string;
  /** false: a single value column is written as the bare value (WRAP_SINGLE_VALUE) */
  wrapSingleValue?: boolean;
  timestampColumn?: string;
  timestampFormat?: string;
  windowType?: WindowType;
  /** ms; undefined for SESSION */
  windowSize?: number;
  partitions: number;
  replicas: number;
  /** CREATE SOURCE: read-only */
  isSource: boolean;
  /** statement text that created it */
  sql: string;
  /** queries writing into this source */
  writeQueries: string[];
}

export interface QueryInfo {
  id: string;
  sql: string;
  sink?: string;
  sinkTopic?: string;
  sources: string[];
  state: 'RUNNING' | 'TERMINATED';
  /** PERSISTENT (CREATE ... AS SELECT, INSERT INTO) unless a transient push query (PUSH), as SHOW QUERIES lists them. */
  type?: 'PERSISTENT' | 'PUSH';
}

export interface MetastoreSnapshot {
  sources: DataSource[];
  queries: QueryInfo[];
  /** custom types (CREATE TYPE), by name */
  types?: [string, SqlType][];
}

export class Metastore {
  sources = new Map<string, DataSource>();
  queries = new Map<string, QueryInfo>();
  /** custom types registered with CREATE TYPE */
  types = new Map<string, SqlType>();

  get(name: string): DataSource | undefined {
    return this.sources.get(name);
  }
  put(src: DataSource): void {
    this.sources.set(src.name, src);
  }
  delete(name: string): void {
    this.sources.delete(name);
  }
  snapshot(): MetastoreSnapshot {
    return JSON.parse(
      JSON.stringify({ sources: [...this.sources.values()], queries: [...this.queries.values()], types: [...this.types] }),
    ) as MetastoreSnapshot;
  }
  static fromSnapshot(s: MetastoreSnapshot): Metastore {
    const m = new Metastore();
    for (const src of s.sources) m.sources.set(src.name, src);
    for (const q of s.queries) m.queries.set(q.id, q);
    for (const [name, t] of s.types ?? []) m.types.set(name, t);
    return m;
  }
}
