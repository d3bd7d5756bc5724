import { describe, expect, it, vi } from 'vitest';
import { KsqlEngine } from '../../embedded/ksqldb/engine.ts';
import * as formats from '../../embedded/ksqldb/formats/index.ts';

describe('a source record read by several queries', () => {
  it('has its key and value parsed once, and every query still reads them', () => {
    const engine = new KsqlEngine();
    engine.execute(
      "CREATE STREAM pv (u INT KEY, src STRING, t BIGINT) WITH (kafka_topic='pv', key_format='JSON', value_format='JSON', timestamp='t');" +
        'CREATE TABLE by_src AS SELECT src, COUNT(*) AS n FROM pv GROUP BY src;' +
        'CREATE TABLE by_user AS SELECT u, COUNT(*) AS n FROM pv GROUP BY u;' +
        'CREATE STREAM copy AS SELECT u, src FROM pv;',
    );
    const json = formats.getFormat('JSON')!;
    const deserialize = vi.spyOn(json, 'deserialize');
    const record = { topic: 'pv', partition: 0, offset: 0, timestamp: 1, key: Buffer.from('7'), value: Buffer.from('{"src":"Ads","t":1000}') };
    expect(engine.recordTime(record)).toBe(1000);
    const out = engine.process(record);
    expect(out.map((r) => `${r.topic} ${r.key} ${r.value}`).sort()).toEqual(['BY_SRC "Ads" {"N":1}', 'BY_USER 7 {"N":1}', 'COPY 7 {"SRC":"Ads"}']);
    expect(deserialize.mock.calls.filter((c) => c[2] === true)).toHaveLength(1);
    expect(deserialize.mock.calls.filter((c) => c[2] === false)).toHaveLength(1);
    deserialize.mockRestore();
  });
});
