/**
 * The stay-categories scenario (../shared/seeds/004_*, the EPAM Kafka Streams homework): hotel booking
 * searches in the Expedia data set's fields on Kafka; ksql statements compute each search's stay
 * length and category into `expedia_ext` (the seed's Kafka Streams app), then the seed's tables of
 * stays per category and hotel and of distinct hotels and total stays per category (CREATE OR REPLACE
 * TABLE, an aggregation over a table); Pinot serves those and the categories over time to the page.
 *
 * Settings come from config/scenarios/stay-categories.ts, read when a function is called (so a bad
 * STAY_CATEGORIES_* variable surfaces where it is caught); tests pass their own with stayCategoriesScenario().
 */
import { loadStayCategoriesConfig, type StayCategoriesConfig } from '../../config/scenarios/stay-categories.ts';
import type { Scenario } from '../scenario.ts';
import { stayCategoriesDashboard } from './dashboard.ts';
import { stayCategoriesPinotTables } from './pinot.ts';
import { produceStayCategories } from './produce.ts';
import { stayCategoriesStatements } from './statements.ts';

export function stayCategoriesScenario(fixed?: StayCategoriesConfig): Scenario {
  const settings = (): StayCategoriesConfig => fixed ?? loadStayCategoriesConfig();
  return {
    name: 'stay-categories',
    title: 'Hotel stay categories',
    description:
      'The EPAM Kafka Streams homework over the Expedia data set: generated hotel searches (some with missing, ' +
      "unparsable or reversed check-in/check-out dates) on Kafka; ksqlDB computes each stay's length and category " +
      '(Erroneous data, Short stay 1-4 days, Standard stay 5-10, Standard extended stay 11-14, Long stay 15+) into ' +
      'expedia_ext, counts stays per category and hotel, and per category the distinct hotels and all stays; Pinot ' +
      'serves the totals and the categories over time to the dashboard.',
    topics: () => {
      const { topics } = settings();
      return [{ name: topics.expedia }];
    },
    mysqlTables: () => [],
    connectors: () => [],
    ksqlStatements: (config) => stayCategoriesStatements(config, settings()),
    pinotTables: (_config, brokerList) => stayCategoriesPinotTables(settings(), brokerList),
    produce: (context) => produceStayCategories(context, settings()),
    dashboard: () => stayCategoriesDashboard(settings()),
  };
}

export const scenario: Scenario = stayCategoriesScenario();
