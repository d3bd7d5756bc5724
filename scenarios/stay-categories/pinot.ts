/**
 * The stay-categories Pinot realtime tables: schema and table config files in Pinot's own JSON formats
 * (pinot/schemas/<table>.json, pinot/tables/<table>.json beside this module), loaded with the topic
 * from config and the broker list of the stack.
 *   stay_counts                 STAY_COUNTS: distinct hotels and stays per category, upsert on the category
 *   stay_categories_per_window  searches and hotels per category per tumbling window, upsert on both
 */
import type { StayCategoriesConfig, StayCategoriesTopics } from '../../config/scenarios/stay-categories.ts';
import { pinotTablesFromFolder, type PinotTable } from '../../pinot/tables.ts';

/** Each Pinot table and the ksql output topic it consumes. */
export const STAY_CATEGORIES_PINOT_TABLES = {
  stay_counts: 'stayCounts',
  stay_categories_per_window: 'stayCategoriesPerWindow',
} as const satisfies Record<string, keyof StayCategoriesTopics>;

export type StayCategoriesPinotTable = keyof typeof STAY_CATEGORIES_PINOT_TABLES;

export function stayCategoriesPinotTables(settings: StayCategoriesConfig, brokerList: string): PinotTable[] {
  const topics = Object.fromEntries(Object.entries(STAY_CATEGORIES_PINOT_TABLES).map(([name, topic]) => [name, settings.topics[topic]]));
  return pinotTablesFromFolder(new URL('./pinot/', import.meta.url), topics, brokerList);
}
