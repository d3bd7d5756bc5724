import { describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { parseJdbcUrl } from '../../embedded/connect/jdbc/connection-url.ts';
import { partitionFor } from '../../embedded/kafka/partitioner.ts';
import { decimalBytes, decimalText } from '../../embedded/connect/data/decimal.ts';
import { JsonConverter, StringConverter } from '../../embedded/connect/converters/index.ts';
import { applyChain, buildTransformChain } from '../../embedded/connect/transforms/index.ts';
import { tsOffset, tsText } from '../../embedded/connect/jdbc/source-connector.ts';
import type { Schema } from '../../embedded/connect/data/schema.ts';
import { declaredColumns, defaultValueExpression, parseStreamingDdl } from '../../embedded/connect/mysql-cdc/schema-change.ts';

describe('connection.url', () => {
  it('reads jdbc:mysql and jdbc:mariadb URLs with params and credentials', () => {
    expect(parseJdbcUrl('jdbc:mysql://mysql-server:3306/demo?useSSL=false')).toMatchObject({
      protocol: 'mysql',
      host: 'mysql-server',
      port: 3306,
      database: 'demo',
      params: { useSSL: 'false' },
    });
    expect(parseJdbcUrl('jdbc:mariadb://127.0.0.1/demo?user=bob&password=p%40ss')).toMatchObject({
      protocol: 'mariadb',
      port: 3306,
      user: 'bob',
      password: 'p@ss',
    });
    expect(parseJdbcUrl('jdbc:mysql://u:pw@[::1]:3307,other:3306/db')).toMatchObject({ host: '::1', port: 3307, user: 'u', password: 'pw', database: 'db' });
    expect(parseJdbcUrl('jdbc:mysql://h:3306')).toMatchObject({ database: undefined });
    expect(() => parseJdbcUrl('jdbc:postgresql://h/db')).toThrow(/jdbc:mysql/);
    expect(() => parseJdbcUrl('jdbc:mysql://h:99999/db')).toThrow(/port/);
  });
});

describe('partitioner', () => {
  it('matches kafkajs DefaultPartitioner (Java murmur2) for keyed records', () => {
    const kafkajs = Partitioners.DefaultPartitioner();
    const partitionMetadata = Array.from({ length: 5 }, (_, i) => ({ partitionId: i, leader: 1, partitionErrorCode: 0, replicas: [1], isr: [1] }));
    for (let id = 0; id < 500; id++) {
      const key = Buffer.from(String(id));
      expect(partitionFor(key, 5)).toBe(kafkajs({ topic: 't', partitionMetadata, message: { key, value: null } }));
    }
  });
});

describe('converters', () => {
  const schema: Schema = {
    type: 'struct',
    optional: false,
    name: 'T',
    fields: [
      { name: 'id', schema: { type: 'int64', optional: false } },
      { name: 'd', schema: { type: 'bytes', optional: true, name: 'org.apache.kafka.connect.data.Decimal', version: 1, parameters: { scale: '2' } } },
      { name: 'f', schema: { type: 'float64', optional: true } },
    ],
  };
  it('JsonConverter with and without schemas; decimals BASE64 and NUMERIC', () => {
    const value = { id: 7, d: '-1.5', f: 2 };
    expect(new JsonConverter({ schemasEnable: false, decimalFormat: 'BASE64' }).fromConnectData('t', schema, value)!.toString()).toBe(
      '{"id":7,"d":"/2o=","f":2.0}',
    );
    expect(new JsonConverter({ schemasEnable: false, decimalFormat: 'NUMERIC' }).fromConnectData('t', schema, value)!.toString()).toBe(
      '{"id":7,"d":-1.50,"f":2.0}',
    );
    expect(new JsonConverter({ schemasEnable: true, decimalFormat: 'BASE64' }).fromConnectData('t', { type: 'int64', optional: false }, 42)!.toString()).toBe(
      '{"schema":{"type":"int64","optional":false},"payload":42}',
    );
    expect(new JsonConverter({ schemasEnable: false, decimalFormat: 'BASE64' }).fromConnectData('t', null, null)).toBeNull();
    expect(new StringConverter().fromConnectData('t', schema, value)!.toString()).toBe('Struct{id=7,d=-1.5,f=2}');
  });
  it('decimal encoding is BigInteger.toByteArray of the unscaled value', () => {
    expect(decimalBytes('12.34', 2).toString('hex')).toBe('04d2');
    expect(decimalBytes('-1', 0).toString('hex')).toBe('ff');
    expect(decimalBytes('128', 0).toString('hex')).toBe('0080');
    expect(decimalText('3.1', 3)).toBe('3.100');
  });
});

describe('transforms', () => {
  const schema: Schema = {
    type: 'struct',
    optional: false,
    name: 'Users',
    fields: [
      { name: 'user_id', schema: { type: 'int64', optional: false } },
      { name: 'age', schema: { type: 'int32', optional: true } },
    ],
  };
  const record = { topic: 't', key: { schema: null, value: null }, value: { schema, value: { user_id: 42, age: null } } };
  it('ValueToKey + ExtractField$Key gives the id with its schema; schemaless maps too', () => {
    const chain = buildTransformChain({
      transforms: 'a,b',
      'transforms.a.type': 'org.apache.kafka.connect.transforms.ValueToKey',
      'transforms.a.fields': 'user_id',
      'transforms.b.type': 'org.apache.kafka.connect.transforms.ExtractField$Key',
      'transforms.b.field': 'user_id',
    });
    expect(applyChain(chain, record)!.key).toEqual({ schema: { type: 'int64', optional: false }, value: 42 });
    expect(applyChain(chain, { ...record, value: { schema: null, value: { user_id: 5 } } })!.key).toEqual({ schema: null, value: 5 });
    const missing = buildTransformChain({
      transforms: 'a',
      'transforms.a.type': 'org.apache.kafka.connect.transforms.ValueToKey',
      'transforms.a.fields': 'nope',
    });
    expect(() => applyChain(missing, record)).toThrow('Field does not exist: nope');
  });
  it('Cast and ReplaceField', () => {
    const chain = buildTransformChain({
      transforms: 'c,r',
      'transforms.c.type': 'org.apache.kafka.connect.transforms.Cast$Value',
      'transforms.c.spec': 'user_id:string',
      'transforms.r.type': 'org.apache.kafka.connect.transforms.ReplaceField$Value',
      'transforms.r.renames': 'user_id:id',
      'transforms.r.exclude': 'age',
    });
    const out = applyChain(chain, record)!.value;
    expect(out.value).toEqual({ id: '42' });
    expect(out.schema!.fields).toEqual([{ name: 'id', schema: { type: 'string', optional: false } }]);
  });
});

describe('timestamp offsets', () => {
  it('round-trip microseconds through {timestamp, timestamp_nanos}', () => {
    const o = tsOffset('2024-01-02 03:04:05.123456');
    expect(o).toEqual({ timestamp: Date.UTC(2024, 0, 2, 3, 4, 5, 123), timestamp_nanos: 123_456_000 });
    expect(tsText(o)).toBe('2024-01-02 03:04:05.123456');
    expect(tsText(undefined)).toBe('1970-01-01 00:00:00.000000');
  });

  it('read and written in db.timezone (summer and winter offsets, a date before 1970)', () => {
    expect(tsOffset('2024-01-15 10:00:00.5', 'America/New_York')).toEqual({ timestamp: Date.UTC(2024, 0, 15, 15, 0, 0, 500), timestamp_nanos: 500_000_000 });
    expect(tsOffset('2024-07-15 10:00:00', 'America/New_York').timestamp).toBe(Date.UTC(2024, 6, 15, 14));
    expect(tsOffset('1969-12-31 23:00:00', 'Europe/Paris').timestamp).toBe(Date.UTC(1969, 11, 31, 22));
    expect(tsText({ timestamp: Date.UTC(2024, 6, 15, 14, 0, 0, 1), timestamp_nanos: 1_002_000 }, 'America/New_York')).toBe('2024-07-15 10:00:00.001002');
  });
});

describe('Debezium schema change events: the binlog statements', () => {
  it("are sorted as Debezium's parser does: table changes, per-table DROP text, database-level statements, ignored ones", () => {
    expect(parseStreamingDdl('ALTER TABLE `d2`.t ADD COLUMN x INT', 'db')).toEqual([
      { databaseName: 'd2', ddl: 'ALTER TABLE `d2`.t ADD COLUMN x INT', table: 't', changes: [{ type: 'ALTER', database: 'd2', table: 't' }] },
    ]);
    expect(parseStreamingDdl('DROP TABLE IF EXISTS a, `b`.`c` /* generated by server */', 'db').map((e) => e.ddl)).toEqual([
      'DROP TABLE IF EXISTS `db`.`a`',
      'DROP TABLE IF EXISTS `b`.`c`',
    ]);
    expect(parseStreamingDdl('CREATE DATABASE `x` CHARACTER SET utf8mb4', 'db')).toEqual([
      { databaseName: 'x', ddl: 'CREATE DATABASE `x` CHARACTER SET utf8mb4', table: null, changes: [] },
    ]);
    expect(parseStreamingDdl('CREATE INDEX i ON t (c)', 'db')).toEqual([{ databaseName: 'db', ddl: 'CREATE INDEX i ON t (c)', table: '', changes: [] }]);
    expect(parseStreamingDdl('RENAME TABLE a TO b', 'db')[0]!.changes).toEqual([{ type: 'ALTER', database: 'db', table: 'b' }]);
    for (const ignored of ['BEGIN', 'COMMIT', 'INSERT INTO t VALUES (1)', 'XA START 1', 'SAVEPOINT s']) expect(parseStreamingDdl(ignored, 'db')).toEqual([]);
  });

  it('keep the column types as the statement spells them, and DEFAULT literals as Debezium records them', () => {
    const created = declaredColumns(
      "CREATE TABLE t (id INT UNSIGNED NOT NULL, d DECIMAL(10, 2), e ENUM('a','b'), s SET('x','y','z'), j JSON, c CHAR(3) CHARACTER SET latin1, PRIMARY KEY (id))",
    );
    expect(Object.fromEntries([...created.columns].map(([n, c]) => [n, [c.typeName, c.jdbcType, c.length, c.scale, c.charset ?? null]]))).toEqual({
      id: ['INT UNSIGNED', 4, null, null, null],
      d: ['DECIMAL', 3, 10, 2, null],
      e: ['ENUM', 1, 1, null, null],
      s: ['SET', 1, 5, null, null],
      j: ['JSON', 1111, null, null, null],
      c: ['CHAR', 1, 3, null, 'latin1'],
    });
    const altered = declaredColumns('ALTER TABLE t CHANGE COLUMN `a` b BIGINT(20), ADD INDEX (x), MODIFY c VARCHAR(9)');
    expect([...altered.columns.keys()]).toEqual(['b', 'c']);
    expect(altered.renamed).toEqual(['a']);
    expect(
      [
        ["'none'", 'none'],
        ['NULL', null],
        ['-1.5', '-1.5'],
        ['current_timestamp(3)', '1970-01-01 00:00:00'],
        ["'it''s'", "it's"],
        ['(1 + 2)', null],
      ].map(([d]) => defaultValueExpression(d)),
    ).toEqual(['none', null, '-1.5', '1970-01-01 00:00:00', "it's", null]);
  });
});
