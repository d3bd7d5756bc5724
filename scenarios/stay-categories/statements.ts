/**
 * The stay-categories ksql statement files (ksql/ beside this module), rendered with the same `${NAME}`
 * mechanism as the PageView statements (ksql/statements.ts) and split into single statements.
 */
import type { AppConfig } from '../../config/index.ts';
import type { StayCategoriesConfig } from '../../config/scenarios/stay-categories.ts';
import { renderStatementFiles } from '../../ksql/statements.ts';

/** In the order they must be applied. */
export const STAY_CATEGORIES_STATEMENT_FILES = ['01-expedia.sql', '02-enrich.sql', '03-stay-counts.sql', '04-categories-over-time.sql'] as const;

export function stayCategoriesStatementVariables(config: AppConfig, settings: StayCategoriesConfig): Record<string, string> {
  const { topics } = settings;
  const values: Record<string, number | string> = {
    TOPIC_EXPEDIA: topics.expedia,
    TOPIC_EXPEDIA_STAY: topics.expediaStay,
    TOPIC_EXPEDIA_EXT: topics.expediaExt,
    TOPIC_HOTEL_STAY_CAT_COUNTS: topics.hotelStayCatCounts,
    TOPIC_STAY_COUNTS: topics.stayCounts,
    TOPIC_STAY_CATEGORIES_PER_WINDOW: topics.stayCategoriesPerWindow,
    PARTITIONS: config.kafka.partitions,
    REPLICAS: config.kafka.replicationFactor,
    WINDOW_SECONDS: settings.windowSeconds,
  };
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, String(value)]));
}

/** Every statement of every file, rendered, in the order to send them, each ending with `;`. */
export function stayCategoriesStatements(config: AppConfig, settings: StayCategoriesConfig): string[] {
  const variables = stayCategoriesStatementVariables(config, settings);
  return renderStatementFiles(new URL('./ksql/', import.meta.url), STAY_CATEGORIES_STATEMENT_FILES, variables);
}
