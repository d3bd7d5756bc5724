import { describe, expect, it, vi } from 'vitest';
import * as formats from '../../embedded/ksqldb/formats/index.ts';
import { sinkEncoder } from '../../embedded/ksqldb/operators/sink.ts';
import { T, type Column, type LogicalSchema } from '../../embedded/ksqldb/types.ts';

const column = (name: string, type = T.BIGINT, namespace: Column['namespace'] = 'VALUE'): Column => ({ name, type, namespace });

describe('the sink: when an output value is serialized', () => {
  it('serializes a value of scalars when it is first read, once, with the row as it was emitted', () => {
    const schema: LogicalSchema = { key: [column('K', T.STRING, 'KEY')], value: [column('source', T.STRING), column('view_count')] };
    const format = formats.getFormat('JSON')!;
    const serialize = vi.spyOn(format, 'serialize');
    const encode = sinkEncoder({ topic: 'out', schema, keyFormat: 'JSON', valueFormat: 'JSON', lazyValue: true });
    const out = encode({ key: ['Ads'], row: { source: 'Ads', view_count: 3 }, ts: 10 })!;
    const valueCalls = () => serialize.mock.calls.filter((c) => c[2] === false).length;
    expect(valueCalls()).toBe(0);
    expect(out.key?.toString()).toBe('"Ads"');
    expect(out.value?.toString()).toBe('{"source":"Ads","view_count":3}');
    expect(out.value?.toString()).toBe('{"source":"Ads","view_count":3}');
    expect(valueCalls()).toBe(1);
    // the getter is the class's (an own getter makes a slow dictionary object): a copy reads the value
    expect(Object.getOwnPropertyDescriptor(out, 'value')).toBeUndefined();
    expect({ ...out, value: out.value }.value?.toString()).toBe('{"source":"Ads","view_count":3}');
    expect(valueCalls()).toBe(1);
    serialize.mockRestore();
  });

  it('serializes a value holding an array at once, so a later change to that array is not written', () => {
    const schema: LogicalSchema = { key: [column('K', T.STRING, 'KEY')], value: [column('users', T.array(T.BIGINT))] };
    const encode = sinkEncoder({ topic: 'out', schema, keyFormat: 'JSON', valueFormat: 'JSON', lazyValue: true });
    const users = [1, 2];
    const out = encode({ key: ['Ads'], row: { users }, ts: 10 })!;
    users.push(3);
    expect(out.value?.toString()).toBe('{"users":[1,2]}');
  });

  it('serializes at once without lazyValue (the record cache off: every value is read)', () => {
    const schema: LogicalSchema = { key: [column('K', T.STRING, 'KEY')], value: [column('view_count')] };
    const format = formats.getFormat('JSON')!;
    const serialize = vi.spyOn(format, 'serialize');
    const out = sinkEncoder({ topic: 'out', schema, keyFormat: 'JSON', valueFormat: 'JSON' })({ key: ['Ads'], row: { view_count: 3 }, ts: 10 })!;
    expect(serialize.mock.calls.filter((c) => c[2] === false)).toHaveLength(1);
    expect(Object.getOwnPropertyDescriptor(out, 'value')?.get).toBeUndefined();
    expect(out.value?.toString()).toBe('{"view_count":3}');
    serialize.mockRestore();
  });

  it('writes a tombstone for a deleted row', () => {
    const schema: LogicalSchema = { key: [column('K', T.STRING, 'KEY')], value: [column('view_count')] };
    const out = sinkEncoder({ topic: 'out', schema, keyFormat: 'JSON', valueFormat: 'JSON' })({ key: ['Ads'], row: null, ts: 10 })!;
    expect(out.value).toBeNull();
  });
});
