/**
 * The processing log: problems that made a query skip a record, written as JSON to
 * `<serviceId>ksql_processing_log` in the shape of ksqlDB's processing-log records
 * (`{level, logger, time, message: {type, deserializationError | recordProcessingError, …}}`) and
 * readable as the KSQL_PROCESSING_LOG stream.
 */
import type { ProcessingLogEntry } from '../engine.ts';

/** The stream over the processing-log topic (the engine has no STRUCT type, so MESSAGE is left out). */
export function processingLogStreamSql(topic: string): string {
  return `CREATE STREAM IF NOT EXISTS KSQL_PROCESSING_LOG (LOGGER VARCHAR, LEVEL VARCHAR, \`TIME\` BIGINT) WITH (KAFKA_TOPIC='${topic}', VALUE_FORMAT='JSON', PARTITIONS=1);`;
}

export interface ProcessingLogRecord {
  level: 'ERROR';
  logger: string;
  time: number;
  message: {
    type: number;
    deserializationError: { target: string; errorMessage: string; recordB64: string | null; cause: string[]; topic: string } | null;
    recordProcessingError: { errorMessage: string; record: string | null; cause: string[] } | null;
    productionError: null;
    serializationError: null;
    kafkaStreamsThreadError: null;
  };
}

/** ksqlDB's processing-log record for one engine problem. */
export function processingLogRecord(entry: ProcessingLogEntry, now = Date.now()): ProcessingLogRecord {
  const rec = (entry.record ?? {}) as { topic?: unknown };
  const deser = /deserializ|json|parse|unexpected token|format/i.test(entry.message);
  return {
    level: 'ERROR',
    logger: `processing.${entry.queryId}.KsqlTopic.Source.deserializer`,
    time: now,
    message: {
      type: deser ? 0 : 1,
      deserializationError: deser
        ? { target: 'value', errorMessage: entry.message, recordB64: null, cause: [], topic: typeof rec.topic === 'string' ? rec.topic : '' }
        : null,
      recordProcessingError: deser
        ? null
        : { errorMessage: entry.message, record: entry.record === undefined ? null : JSON.stringify(entry.record), cause: [] },
      productionError: null,
      serializationError: null,
      kafkaStreamsThreadError: null,
    },
  };
}
