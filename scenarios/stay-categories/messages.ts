/**
 * Kafka messages of the `expedia` topic: key = the search id as a JSON number (the source stream
 * declares no key column, so ksql never reads it), value = the search's fields as JSON, and the
 * Kafka timestamp = the search's date_time, the event time every ksql window uses (ROWTIME).
 */
import { dataSetTimeMs, type HotelSearch } from './generate/searches.ts';

export interface SearchMessage {
  key: string;
  value: string;
  timestamp: string;
}

export function searchMessage(search: HotelSearch): SearchMessage {
  return { key: String(search.id), value: JSON.stringify(search), timestamp: String(dataSetTimeMs(search.date_time)) };
}
