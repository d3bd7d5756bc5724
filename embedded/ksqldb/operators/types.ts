// Records flowing between physical operators. A record belongs to the operator it is handed to, which
// may reassign its fields and hand it on; rows and key arrays are shared (stores keep them) and never changed.
import type { Row } from '../expr/compile.ts';
import type { WindowBounds } from '../formats/index.ts';

export interface Rec {
  /** key column values (empty for keyless); null when the record key is null */
  key: unknown[] | null;
  /** new row (null = tombstone / null value) */
  row: Row | null;
  /** previous row for table changes; undefined when unknown (streams, unmaterialized tables) */
  old?: Row | null;
  ts: number;
  window?: WindowBounds;
  /** key columns only, for expressions over records whose value is null */
  keyRow?: Row;
  /** the table had no row for this key (and window) before this change (aggregations mark it) */
  created?: boolean;
}

export type Emit = (rec: Rec) => void;

export interface Operator {
  process(rec: Rec): void;
}

/** Called with problems that skip a record (the processing log). */
export type ProcessingLogger = (entry: { queryId: string; message: string; record?: unknown }) => void;
