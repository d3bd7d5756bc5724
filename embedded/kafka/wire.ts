/**
 * The Kafka part's client-side face, for the embedded servers that talk to a cluster themselves (ksqlDB's
 * record writer and fetch connection, Connect's source tasks): the wire protocol's codec, the splitting of
 * a byte stream into frames, and the default partitioner. None of it loads the broker (index.ts does).
 */
export { FrameSplitter } from './frame-splitter.ts';
export { partitionFor } from './partitioner.ts';
export { buildRecordBatch, decodeResponseFrame, encodeRequestFrame, ErrorCode, type ApiKeyNumber, type RequestOf, type ResponseOf } from './protocol/index.ts';
