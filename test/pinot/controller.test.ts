/** Controller REST over real HTTP: schema and table CRUD, Pinot's error shapes, health, brokers, console page. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PINOT_TABLE_NAMES, readPinotSchema, readPinotTableConfig } from '../../pinot/tables.ts';
import { eventsSchema, http, realtimeTable, startTestPinot, type TestPinot } from './helpers.ts';

let pinot: TestPinot;
let c: string;

beforeAll(async () => {
  pinot = await startTestPinot();
  c = pinot.controllerUrl;
});
afterAll(async () => {
  await pinot?.stop();
});

describe('health', () => {
  it('answers OK / GOOD as text', async () => {
    const health = await http('GET', `${c}/health`);
    expect(health.status).toBe(200);
    expect(health.text).toBe('OK');
    expect(health.headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await http('GET', `${c}/pinot-controller/admin`)).text).toBe('GOOD');
    expect((await http('GET', `${pinot.brokerUrl}/health`)).text).toBe('OK');
  });

  it('lists the instances as Pinot does: the controller, the broker and the server', async () => {
    const r = await http('GET', `${c}/instances`);
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ instances: [`Controller_127.0.0.1_${pinot.controllerPort}`, `Broker_127.0.0.1_${pinot.brokerPort}`, 'Server_embedded'] });
  });

  it('answers unknown paths with {code, error}', async () => {
    const r = await http('GET', `${c}/no/such/thing`);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ code: 404, error: 'HTTP 404 Not Found' });
  });
});

describe('schemas', () => {
  it('adds, lists, reads, updates and deletes a schema', async () => {
    const added = await http('POST', `${c}/schemas`, eventsSchema('crud'));
    expect(added.status).toBe(200);
    expect(added.json).toEqual({ unrecognizedProperties: {}, status: 'crud successfully added' });
    expect((await http('GET', `${c}/schemas`)).json).toContain('crud');
    const got = await http('GET', `${c}/schemas/crud`);
    expect(got.json).toEqual(eventsSchema('crud'));

    const changed = { ...eventsSchema('crud'), metricFieldSpecs: [{ name: 'views', dataType: 'LONG' }] };
    expect((await http('PUT', `${c}/schemas/crud`, changed)).status).toBe(200);
    expect((await http('GET', `${c}/schemas/crud`)).json.metricFieldSpecs).toHaveLength(1);

    const deleted = await http('DELETE', `${c}/schemas/crud`);
    expect(deleted.json).toEqual({ status: 'Schema crud deleted' });
    const missing = await http('GET', `${c}/schemas/crud`);
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ code: 404, error: 'Schema not found' });
  });

  it('reports unrecognized properties, accepts multipart uploads, and honours override=false', async () => {
    const r = await http('POST', `${c}/schemas`, { ...eventsSchema('extra'), bogusKey: 1 });
    expect(r.json.unrecognizedProperties).toEqual({ '/bogusKey': 1 });
    const form = new FormData();
    form.append('schemaName', new Blob([JSON.stringify(eventsSchema('multipart'))], { type: 'application/json' }), 'schema.json');
    const multipart = await fetch(`${c}/schemas`, { method: 'POST', body: form });
    expect(multipart.status).toBe(200);
    expect((await http('GET', `${c}/schemas/multipart`)).status).toBe(200);
    const conflict = await http('POST', `${c}/schemas?override=false`, eventsSchema('extra'));
    expect(conflict.status).toBe(409);
    expect(conflict.json.code).toBe(409);
  });

  it('rejects invalid schemas with 400', async () => {
    const noName = await http('POST', `${c}/schemas`, { dimensionFieldSpecs: [] });
    expect(noName.status).toBe(400);
    expect(noName.json).toEqual({ code: 400, error: "Invalid schema. Reason: 'schemaName' should not be null or empty" });
    expect((await http('POST', `${c}/schemas`, { schemaName: 'x', dimensionFieldSpecs: [{ name: 'a', dataType: 'NOPE' }] })).status).toBe(400);
    expect((await http('POST', `${c}/schemas`, '{not json')).status).toBe(400);
    expect((await http('POST', `${c}/schemas`, { schemaName: 'x', primaryKeyColumns: ['missing'] })).status).toBe(400);
  });
});

describe('tables', () => {
  it('creates a realtime table and serves it by raw name, with suffix, and with ?type', async () => {
    await http('POST', `${c}/schemas`, eventsSchema('orders'));
    const created = await http('POST', `${c}/tables`, realtimeTable('orders', 'orders-topic'));
    expect(created.status).toBe(200);
    expect(created.json).toEqual({ unrecognizedProperties: {}, status: 'Table orders_REALTIME successfully added' });

    const byRaw = await http('GET', `${c}/tables/orders`);
    expect(Object.keys(byRaw.json)).toEqual(['REALTIME']);
    expect(byRaw.json.REALTIME.tableName).toBe('orders_REALTIME');
    expect(byRaw.json.REALTIME.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe('orders-topic');
    expect((await http('GET', `${c}/tables/orders_REALTIME`)).json).toEqual(byRaw.json);
    expect((await http('GET', `${c}/tables/orders?type=realtime`)).json).toEqual(byRaw.json);
    // Pinot (0.11 and 1.2, listTableConfigs) answers the configs of the types that exist: none is 200 {}.
    const offline = await http('GET', `${c}/tables/orders?type=offline`);
    expect(offline.status).toBe(200);
    expect(offline.json).toEqual({});

    expect((await http('GET', `${c}/tables`)).json.tables).toContain('orders');
    expect((await http('GET', `${c}/tables?type=realtime`)).json.tables).toContain('orders_REALTIME');
    expect((await http('GET', `${c}/tables/orders/schema`)).json.schemaName).toBe('orders');

    const dup = await http('POST', `${c}/tables`, realtimeTable('orders', 'orders-topic'));
    expect(dup.status).toBe(409);
    expect(dup.json.error).toMatch(/^Table config for orders_REALTIME already exists/);

    const size = await http('GET', `${c}/tables/orders/size`);
    expect(size.json).toMatchObject({ tableName: 'orders', offlineSegments: null, realtimeSegments: { missingSegments: 0 } });
    expect((await http('GET', `${c}/v2/brokers/tables?state=ONLINE`)).json.orders).toEqual([
      { host: '127.0.0.1', port: pinot.brokerPort, instanceName: `Broker_127.0.0.1_${pinot.brokerPort}`, grpcPort: -1 },
    ]);
  });

  it('updates a table config and refuses a schema delete while the table exists', async () => {
    await http('POST', `${c}/schemas`, eventsSchema('upd'));
    await http('POST', `${c}/tables`, realtimeTable('upd', 'a'));
    const updated = await http('PUT', `${c}/tables/upd`, realtimeTable('upd', 'b'));
    expect(updated.status).toBe(200);
    expect((await http('GET', `${c}/tables/upd`)).json.REALTIME.tableIndexConfig.streamConfigs['stream.kafka.topic.name']).toBe('b');
    const inUse = await http('DELETE', `${c}/schemas/upd`);
    expect(inUse.status).toBe(409);
    const deleted = await http('DELETE', `${c}/tables/upd`);
    expect(deleted.json).toEqual({ status: 'Tables: [upd_REALTIME] deleted' });
    const again = await http('DELETE', `${c}/tables/upd`);
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ code: 404, error: "Table 'upd' with type null does not exist" });
    const gone = await http('GET', `${c}/tables/upd`);
    expect([gone.status, gone.json]).toEqual([200, {}]);
    expect((await http('DELETE', `${c}/schemas/upd`)).status).toBe(200);
  });

  it('rejects invalid table configs with 400', async () => {
    const noSchema = await http('POST', `${c}/tables`, realtimeTable('ghost', 't'));
    expect(noSchema.status).toBe(400);
    expect(noSchema.json.error).toContain('Failed to find schema for table: ghost');
    await http('POST', `${c}/schemas`, eventsSchema('bad'));
    expect((await http('POST', `${c}/tables`, { ...realtimeTable('bad', 't'), tableType: 'NOPE' })).status).toBe(400);
    expect((await http('POST', `${c}/tables`, { ...realtimeTable('bad', 't'), tableIndexConfig: {} })).status).toBe(400);
    const upsertNoPk = await http('POST', `${c}/tables`, { ...realtimeTable('bad', 't'), upsertConfig: { mode: 'FULL' } });
    expect(upsertNoPk.status).toBe(400);
    expect(upsertNoPk.json.error).toContain('primary key');
    const badTime = await http('POST', `${c}/tables`, { ...realtimeTable('bad', 't'), segmentsConfig: { timeColumnName: 'nope' } });
    expect(badTime.status).toBe(400);
  });

  it('accepts the project tables from pinot/', async () => {
    for (const name of PINOT_TABLE_NAMES) {
      expect((await http('POST', `${c}/schemas`, readPinotSchema(name))).status).toBe(200);
      const r = await http('POST', `${c}/tables`, readPinotTableConfig(name));
      expect(r.status, r.text).toBe(200);
    }
    expect((await http('GET', `${c}/tables?type=realtime`)).json.tables).toEqual(expect.arrayContaining(PINOT_TABLE_NAMES.map((n) => `${n}_REALTIME`)));
  });

  it("pauses and resumes consumption with Pinot's PauseStatusDetails", async () => {
    await http('POST', `${c}/schemas`, eventsSchema('pz'));
    await http('POST', `${c}/tables`, realtimeTable('pz', 't'));
    const paused = await http('POST', `${c}/tables/pz/pauseConsumption`);
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ pauseFlag: true, reasonCode: 'ADMINISTRATIVE', comment: expect.stringContaining('Pause flag is set') });
    expect(paused.json.consumingSegments[0]).toMatch(/^pz__0__0__\d{8}T\d{4}Z$/);
    expect((await http('GET', `${c}/tables/pz/pauseStatus`)).json.pauseFlag).toBe(true);
    const bad = await http('POST', `${c}/tables/pz/resumeConsumption?consumeFrom=middle`);
    expect(bad.status).toBe(400);
    const resumed = await http('POST', `${c}/tables/pz/resumeConsumption?consumeFrom=smallest`);
    expect(resumed.json).toMatchObject({ pauseFlag: false, comment: expect.stringContaining('Pause flag is cleared') });
    expect((await http('GET', `${c}/tables/pz/pauseStatus`)).json.pauseFlag).toBe(false);
    expect((await http('POST', `${c}/tables/nosuch/pauseConsumption`)).status).toBe(404);
  });
});

describe('query console', () => {
  it('serves a self-contained page with no external URLs', async () => {
    for (const path of ['/', '/query']) {
      const page = await http('GET', `${c}${path}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/html/);
      expect(page.text).toContain('Pinot Query Console');
      expect(page.text).not.toMatch(/(src|href)\s*=\s*["']?(https?:)?\/\//i);
      expect(page.text).not.toMatch(/https?:\/\//);
      expect(page.text).not.toContain('innerHTML');
    }
  });

  it('runs SQL through POST /sql and GET /sql', async () => {
    const post = await http('POST', `${c}/sql`, { sql: 'SELECT count(*) FROM orders', trace: false });
    expect(post.status).toBe(200);
    expect(post.json.resultTable).toEqual({ dataSchema: { columnNames: ['count(*)'], columnDataTypes: ['LONG'] }, rows: [[0]] });
    const get = await http('GET', `${c}/sql?sql=${encodeURIComponent('SELECT * FROM missing_table')}`);
    expect(get.json.exceptions).toEqual([{ errorCode: 190, message: 'TableDoesNotExistError' }]);
    expect((await http('POST', `${c}/sql`, {})).status).toBe(400);
  });
});
