/** RecordBatch v2, the one codec of the Kafka part: the protocol's records fields and the log's segments use it. */
export * from './layout.ts';
export * from './header.ts';
export * from './validation.ts';
export * from './records.ts';
export * from './decode.ts';
export * from './build.ts';
