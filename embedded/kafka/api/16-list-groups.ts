import type { ListGroupsRequest, ListGroupsResponse } from '../protocol/index.ts';
import type { Handler } from './context.ts';
import { notCoordinator } from './group-routing.ts';

/** Each broker lists the groups it coordinates (kafkajs and the Kafka CLI ask every broker). */
export const handleListGroups: Handler<ListGroupsRequest, ListGroupsResponse> = (ctx) => {
  const all = ctx.cluster.groups.listGroups();
  return { ...all, groups: all.groups.filter((g) => !notCoordinator(ctx, g.groupId)) };
};
