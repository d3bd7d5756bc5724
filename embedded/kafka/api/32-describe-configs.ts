import { ErrorCode } from '../protocol/errors.ts';
import type { DescribeConfigsRequest, DescribeConfigsResponse } from '../protocol/index.ts';
import { TOPIC_CONFIGS } from '../topic-configs.ts';
import type { Handler, RequestContext } from './context.ts';

export const RESOURCE_TOPIC = 2;
export const RESOURCE_BROKER = 4;
const SOURCE_TOPIC = 1;
const SOURCE_STATIC_BROKER = 4;
const SOURCE_DEFAULT = 5;

export const handleDescribeConfigs: Handler<DescribeConfigsRequest, DescribeConfigsResponse> = (ctx, request) => ({
  throttleTimeMs: 0,
  results: request.resources.map((resource) => {
    const base = { resourceType: resource.resourceType, resourceName: resource.resourceName };
    const entries = configEntries(ctx, resource.resourceType, resource.resourceName);
    if (typeof entries === 'string')
      return {
        ...base,
        errorCode: entries === 'unknown-topic' ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.INVALID_REQUEST,
        errorMessage: entries === 'unknown-topic' ? `Topic ${resource.resourceName} does not exist` : `Unsupported resource type ${resource.resourceType}`,
        configs: [],
      };
    const wanted = resource.configurationKeys;
    const configs = entries
      .filter((e) => !wanted || wanted.length === 0 || wanted.includes(e.name))
      .map((e) => ({
        name: e.name,
        value: e.value,
        readOnly: resource.resourceType === RESOURCE_BROKER,
        isDefault: e.source === SOURCE_DEFAULT,
        configSource: e.source,
        isSensitive: false,
        synonyms: [],
        configType: 0,
        documentation: null,
      }));
    return { ...base, errorCode: ErrorCode.NONE, errorMessage: null, configs };
  }),
});

function configEntries(ctx: RequestContext, type: number, name: string): { name: string; value: string; source: number }[] | string {
  const cluster = ctx.cluster;
  if (type === RESOURCE_TOPIC) {
    const topic = cluster.topic(name);
    if (!topic) return 'unknown-topic';
    const effective = cluster.topicConfig(topic);
    return Object.keys(TOPIC_CONFIGS).map((key) => ({
      name: key,
      value: effective[key],
      source: key in topic.configs ? SOURCE_TOPIC : key in cluster.options.topicDefaults ? SOURCE_STATIC_BROKER : SOURCE_DEFAULT,
    }));
  }
  if (type === RESOURCE_BROKER) {
    const o = cluster.options;
    return [
      { name: 'broker.id', value: name, source: SOURCE_STATIC_BROKER },
      { name: 'num.partitions', value: String(o.defaultPartitions), source: SOURCE_STATIC_BROKER },
      { name: 'default.replication.factor', value: String(o.defaultReplicationFactor), source: SOURCE_STATIC_BROKER },
      { name: 'min.insync.replicas', value: String(o.minInsyncReplicas), source: SOURCE_STATIC_BROKER },
      { name: 'auto.create.topics.enable', value: String(o.autoCreateTopics), source: SOURCE_STATIC_BROKER },
      { name: 'socket.request.max.bytes', value: String(o.maxRequestBytes), source: SOURCE_STATIC_BROKER },
      { name: 'group.initial.rebalance.delay.ms', value: String(o.groupInitialRebalanceDelayMs), source: SOURCE_STATIC_BROKER },
      { name: 'log.retention.check.interval.ms', value: String(o.retentionCheckIntervalMs), source: SOURCE_STATIC_BROKER },
      { name: 'max.connections', value: String(o.maxConnections), source: SOURCE_STATIC_BROKER },
      { name: 'max.connections.per.ip', value: String(o.maxConnectionsPerIp), source: SOURCE_STATIC_BROKER },
    ];
  }
  return 'bad-type';
}
