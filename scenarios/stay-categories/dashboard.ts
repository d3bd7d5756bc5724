/**
 * The stay-categories dashboard: the seed's result (per stay category, the hotels and the searches,
 * which it showed with `SELECT * FROM stay_counts EMIT CHANGES`) as charts and a table, and the
 * categories over time, each a Pinot query over the tables of pinot.ts.
 */
import type { StayCategoriesConfig } from '../../config/scenarios/stay-categories.ts';
import type { ScenarioDashboard } from '../scenario.ts';

export function stayCategoriesDashboard(settings: StayCategoriesConfig): ScenarioDashboard {
  return {
    title: 'Hotel stay categories',
    panels: [
      {
        id: 'total-searches',
        title: 'Searches',
        kind: 'stat',
        sql: 'SELECT SUM(count_all) AS searches FROM stay_counts',
        y: ['searches'],
        description: 'every search categorised so far (STAY_COUNTS)',
      },
      {
        id: 'erroneous-searches',
        title: 'Erroneous data',
        kind: 'stat',
        sql: "SELECT SUM(count_all) AS searches FROM stay_counts WHERE stay_category = 'Erroneous data'",
        y: ['searches'],
        description: 'searches with a missing, unparsable or non-positive stay',
      },
      {
        id: 'categories-over-time',
        title: 'Categories over time',
        kind: 'line',
        sql: 'SELECT stay_category, event_ts, searches FROM stay_categories_per_window ORDER BY event_ts, stay_category LIMIT 2000',
        x: 'event_ts',
        y: ['searches'],
        series: 'stay_category',
        description: `searches per stay category in ${settings.windowSeconds} s tumbling windows of search time`,
      },
      {
        id: 'stays-per-category',
        title: 'Stays per category',
        kind: 'bar',
        sql: 'SELECT stay_category, count_all FROM stay_counts ORDER BY stay_category LIMIT 10',
        x: 'stay_category',
        y: ['count_all'],
        description: 'all searches (hotels counted with repeats) per category: SUM(stays)',
      },
      {
        id: 'hotels-per-category',
        title: 'Distinct hotels per category',
        kind: 'bar',
        sql: 'SELECT stay_category, count_distinct FROM stay_counts ORDER BY stay_category LIMIT 10',
        x: 'stay_category',
        y: ['count_distinct'],
        description: 'hotels searched at least once per category: COUNT(*) over HOTEL_STAY_CAT_COUNTS',
      },
      {
        id: 'category-totals',
        title: 'Per category',
        kind: 'table',
        sql: 'SELECT stay_category, count_distinct AS hotels, count_all AS searches FROM stay_counts ORDER BY count_all DESC, stay_category LIMIT 10',
        description: "the seed's STAY_COUNTS table",
      },
    ],
  };
}
