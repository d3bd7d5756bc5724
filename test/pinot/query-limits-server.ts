/**
 * A Pinot for test/pinot/query-limits.test.ts, in its own process so the test can watch its memory
 * from outside and kill it if a query runs away: DuckDB limited as in the stack (128 MB, 1 thread),
 * `pageview_country` with 70 countries, and `events` with `--rows` generated rows for long scans.
 *
 *   node --import tsx test/pinot/query-limits-server.ts --rows 300000 --timeout-ms 3000 --max-response-bytes 4194304
 *
 * Prints `READY <brokerUrl> <controllerUrl>` once both tables answer.
 */
import { parseArgs } from 'node:util';
import { startPinot } from '../../embedded/pinot/index.ts';
import { readPinotSchema, readPinotTableConfig } from '../../pinot/tables.ts';
import { eventsSchema, feed, http, realtimeTable } from './helpers.ts';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '0' },
    'timeout-ms': { type: 'string' },
    'max-string-length': { type: 'string' },
    'max-response-bytes': { type: 'string' },
  },
});
const numberArg = (text: string | undefined) => (text === undefined ? undefined : Number(text));

const pinot = await startPinot({
  controllerPort: 0,
  brokerPort: 0,
  kafkaBootstrap: '127.0.0.1:1',
  retryMs: 60_000,
  log: () => {},
  storageLimits: { memoryLimitMb: 128, threads: 1 },
  queryLimits: {
    timeoutMs: numberArg(values['timeout-ms']),
    maxStringLength: numberArg(values['max-string-length']),
    maxResponseBytes: numberArg(values['max-response-bytes']),
  },
});
const c = pinot.controllerUrl;
await http('POST', `${c}/schemas`, readPinotSchema('pageview_country'));
await http('POST', `${c}/tables`, readPinotTableConfig('pageview_country'));
await feed(
  pinot,
  'pageview_country',
  0,
  0,
  Array.from({ length: 70 }, (_, i) => ({
    country: `Country ${i}`,
    avg_age: 30 + (i % 20),
    user_count: i + 1,
    view_count: 10 * (i + 1),
    last_event_ts: 1_714_566_896_000 + i,
  })),
);
await http('POST', `${c}/schemas`, eventsSchema('events'));
await http('POST', `${c}/tables`, realtimeTable('events', 'events'));
const events = pinot.services.tables.find('events')[0]!;
await pinot.services.db.write((tx) =>
  tx.run(
    `INSERT INTO "${events.dataTable}" (id, source, n, views, ts) SELECT 'e' || i, 'Inbox', i % 4, i, 1714566896000 + i FROM range(${Number(values.rows)}) r(i)`,
  ),
);
console.log(`READY ${pinot.brokerUrl} ${pinot.controllerUrl}`);

const stop = () => void pinot.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
