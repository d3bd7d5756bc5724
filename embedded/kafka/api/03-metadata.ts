import { ErrorCode } from '../protocol/errors.ts';
import type { MetadataRequest, MetadataResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';

export const handleMetadata: Handler<MetadataRequest, MetadataResponse> = (ctx, request) => {
  const cluster = ctx.cluster;
  // v0: an empty list means all topics; v1+: null means all, empty means none.
  const all = request.topics === null || (ctx.apiVersion === 0 && request.topics.length === 0);
  const names = all ? [...cluster.metadata.topics.keys()].sort() : request.topics!.map((t) => t.name ?? '');
  // Auto-creation is always on at v0-v3; from v4 the client says.
  const mayCreate = !all && (ctx.apiVersion < 4 || request.allowAutoTopicCreation);
  const topics = names.map((name) => {
    let topic = cluster.topic(name);
    if (!topic && mayCreate && cluster.autoCreate(name)) topic = cluster.topic(name);
    if (!topic) {
      return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, name, isInternal: false, partitions: [] };
    }
    return {
      errorCode: ErrorCode.NONE,
      name,
      isInternal: topic.internal,
      partitions: topic.partitions.map((p) => ({
        errorCode: p.leader === -1 ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.NONE,
        partitionIndex: p.partition,
        leaderId: p.leader,
        leaderEpoch: p.leaderEpoch,
        replicaNodes: p.replicas,
        isrNodes: p.isr,
        offlineReplicas: p.replicas.filter((id) => !cluster.brokers.get(id)?.online),
      })),
    };
  });
  return {
    throttleTimeMs: 0,
    brokers: cluster.onlineBrokers().map((b) => ({ nodeId: b.id, host: cluster.options.host, port: b.port, rack: null })),
    clusterId: cluster.metadata.clusterId,
    controllerId: cluster.controllerId(),
    topics,
  };
};
