/** Dispatch table: api key → handler. One module per API, named by its key. */
import type { Handler } from './context.ts';
import { handleProduce } from './00-produce.ts';
import { handleFetch } from './01-fetch.ts';
import { handleListOffsets } from './02-list-offsets.ts';
import { handleMetadata } from './03-metadata.ts';
import { handleOffsetCommit } from './08-offset-commit.ts';
import { handleOffsetFetch } from './09-offset-fetch.ts';
import { handleFindCoordinator } from './10-find-coordinator.ts';
import { handleJoinGroup } from './11-join-group.ts';
import { handleHeartbeat } from './12-heartbeat.ts';
import { handleLeaveGroup } from './13-leave-group.ts';
import { handleSyncGroup } from './14-sync-group.ts';
import { handleDescribeGroups } from './15-describe-groups.ts';
import { handleListGroups } from './16-list-groups.ts';
import { handleApiVersions } from './18-api-versions.ts';
import { handleCreateTopics } from './19-create-topics.ts';
import { handleDeleteTopics } from './20-delete-topics.ts';
import { handleDeleteRecords } from './21-delete-records.ts';
import { handleInitProducerId } from './22-init-producer-id.ts';
import { handleDescribeConfigs } from './32-describe-configs.ts';
import { handleAlterConfigs } from './33-alter-configs.ts';
import { handleCreatePartitions } from './37-create-partitions.ts';
import { handleDeleteGroups } from './42-delete-groups.ts';

export type { RequestContext } from './context.ts';

// biome-ignore lint/suspicious/noExplicitAny: each handler is typed by its own request and response; the table erases that for dispatch
export const handlers: Record<number, Handler<any, any>> = {
  0: handleProduce,
  1: handleFetch,
  2: handleListOffsets,
  3: handleMetadata,
  8: handleOffsetCommit,
  9: handleOffsetFetch,
  10: handleFindCoordinator,
  11: handleJoinGroup,
  12: handleHeartbeat,
  13: handleLeaveGroup,
  14: handleSyncGroup,
  15: handleDescribeGroups,
  16: handleListGroups,
  18: handleApiVersions,
  19: handleCreateTopics,
  20: handleDeleteTopics,
  21: handleDeleteRecords,
  22: handleInitProducerId,
  32: handleDescribeConfigs,
  33: handleAlterConfigs,
  37: handleCreatePartitions,
  42: handleDeleteGroups,
};
