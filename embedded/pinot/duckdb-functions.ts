/**
 * DuckDB functions of our own that the SQL translation emits where DuckDB has no equivalent: Pinot's
 * DISTINCTCOUNTHLL estimate (hll.ts) over the list of a column's distinct values, one function per kind of
 * value Pinot hashes differently. Registered on the database once; every connection sees them. Pinot SQL
 * cannot name them: the translator resolves a query's functions through its own registry.
 */
import {
  BIGINT,
  BLOB,
  DOUBLE,
  DuckDBBlobValue,
  DuckDBListValue,
  DuckDBScalarFunction,
  FLOAT,
  INTEGER,
  LIST,
  VARCHAR,
  type DuckDBConnection,
  type DuckDBType,
} from '@duckdb/node-api';
import { hllEstimate, murmurHashBytes, murmurHashDouble, murmurHashFloat, murmurHashLong, murmurHashString } from './hll.ts';

/** How Pinot hashes a value for its HyperLogLog, by the DuckDB type the value is handed over as. */
export const HLL_FUNCTIONS = {
  long: { name: 'pinot_hll_long', itemType: BIGINT, hash: (v: unknown) => murmurHashLong(v as bigint) },
  float: { name: 'pinot_hll_float', itemType: FLOAT, hash: (v: unknown) => murmurHashFloat(v as number) },
  double: { name: 'pinot_hll_double', itemType: DOUBLE, hash: (v: unknown) => murmurHashDouble(v as number) },
  text: { name: 'pinot_hll_text', itemType: VARCHAR, hash: (v: unknown) => murmurHashString(v as string) },
  bytes: { name: 'pinot_hll_bytes', itemType: BLOB, hash: (v: unknown) => murmurHashBytes((v as DuckDBBlobValue).bytes) },
} satisfies Record<string, { name: string; itemType: DuckDBType; hash: (v: unknown) => number }>;

export type HllValueKind = keyof typeof HLL_FUNCTIONS;

/** `pinot_hll_<kind>(values[], log2m)` → BIGINT: the estimate of how many distinct values the list holds (0 for NULL). */
function hllFunction({ name, itemType, hash }: (typeof HLL_FUNCTIONS)[HllValueKind]): DuckDBScalarFunction {
  return DuckDBScalarFunction.create({
    name,
    returnType: BIGINT,
    parameterTypes: [LIST(itemType), INTEGER],
    specialHandling: true,
    mainFunction: (info, input, output) => {
      const lists = input.getColumnVector(0);
      const log2m = input.getColumnVector(1);
      for (let row = 0; row < input.rowCount; row++) {
        const list = lists.getItem(row) as DuckDBListValue | null;
        const hashes = (list?.items ?? []).filter((v) => v !== null).map(hash);
        try {
          output.setItem(row, BigInt(hllEstimate(hashes, Number(log2m.getItem(row) ?? 8))));
        } catch (error) {
          info.setError((error as Error).message);
          return;
        }
      }
      output.flush();
    },
  });
}

export function registerPinotFunctions(connection: DuckDBConnection): void {
  for (const spec of Object.values(HLL_FUNCTIONS)) connection.registerScalarFunction(hllFunction(spec));
}
