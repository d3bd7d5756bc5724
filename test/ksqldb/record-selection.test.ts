/**
 * The runtime's timestamp-based record selection (embedded/ksqldb/runtime/record-selection.ts), as
 * Kafka Streams' PartitionGroup chooses among a task's buffered partitions and max.task.idle.ms waits.
 */
import { describe, expect, it } from 'vitest';
import { ENFORCE_AFTER_MS, RecordSelector, type BufferedRecord } from '../../embedded/ksqldb/runtime/record-selection.ts';

const rec = (topic: string, partition: number, offset: number, time: number): BufferedRecord => ({
  topic,
  partition,
  offset: String(offset),
  timestamp: String(time),
  key: null,
  value: null,
  time,
});
const drain = (s: RecordSelector): string[] => {
  const out: string[] = [];
  for (let r = s.next(); r; r = s.next()) out.push(`${r.topic}-${r.partition}@${r.offset}`);
  return out;
};

describe('RecordSelector', () => {
  it('takes the lowest timestamp among the partitions of one number, each partition in offset order', () => {
    const s = new RecordSelector();
    s.assign('views', 0, 0, 3);
    s.assign('users', 0, 0, 2);
    s.add('views', 0, [rec('views', 0, 0, 50), rec('views', 0, 1, 60), rec('views', 0, 2, 55)], 3);
    s.add('users', 0, [rec('users', 0, 0, 10), rec('users', 0, 1, 58)], 2);
    // views@2 (55) waits behind views@1 (60): a partition is never reordered
    expect(drain(s)).toEqual(['users-0@0', 'views-0@0', 'users-0@1', 'views-0@1', 'views-0@2']);
    expect(s.size).toBe(0);
  });

  it('waits for a partition with records on the broker not fetched yet, not for one caught up', () => {
    const s = new RecordSelector();
    s.assign('views', 1, 0, 2);
    s.assign('users', 1, 0, 5); // five users on the broker, none fetched
    s.assign('sessions', 1, 7, 7); // caught up
    s.add('views', 1, [rec('views', 1, 0, 100), rec('views', 1, 1, 101)], 2);
    expect(s.next()).toBeUndefined();
    s.add('users', 1, [rec('users', 1, 0, 1), rec('users', 1, 1, 2)], 5);
    expect(drain(s)).toEqual(['users-1@0', 'users-1@1']); // then users@2.. are still to come
    s.add('users', 1, [rec('users', 1, 2, 3), rec('users', 1, 3, 4), rec('users', 1, 4, 200)], 5);
    expect(drain(s)).toEqual(['users-1@2', 'users-1@3', 'views-1@0', 'views-1@1', 'users-1@4']);
  });

  it('groups by partition number: another number does not wait', () => {
    const s = new RecordSelector();
    s.assign('views', 0, 0, 1);
    s.assign('users', 0, 0, 4);
    s.assign('views', 1, 0, 1);
    s.assign('users', 1, 0, 0);
    s.add('views', 0, [rec('views', 0, 0, 5)], 1);
    s.add('views', 1, [rec('views', 1, 0, 9)], 1);
    expect(drain(s)).toEqual(['views-1@0']);
  });

  it('drops records fetched again (offsets before the next expected one)', () => {
    const s = new RecordSelector();
    s.assign('views', 0, 3, 5);
    s.add('views', 0, [rec('views', 0, 2, 1), rec('views', 0, 3, 2), rec('views', 0, 4, 3)], 5);
    s.add('views', 0, [rec('views', 0, 4, 3)], 5);
    expect(drain(s)).toEqual(['views-0@3', 'views-0@4']);
  });

  it('max.task.idle.ms -1 processes what is buffered; a lagging partition is waited for ENFORCE_AFTER_MS at most', () => {
    const eager = new RecordSelector(-1);
    eager.assign('views', 0, 0, 1);
    eager.assign('users', 0, 0, 9);
    eager.add('views', 0, [rec('views', 0, 0, 5)], 1);
    expect(drain(eager)).toEqual(['views-0@0']);

    let now = 1_000;
    const s = new RecordSelector(0, () => now);
    s.assign('views', 0, 0, 1);
    s.assign('users', 0, 0, 9);
    s.add('views', 0, [rec('views', 0, 0, 5)], 1);
    expect(s.next()).toBeUndefined();
    expect(s.nextEnforcementIn()).toBe(ENFORCE_AFTER_MS);
    now += ENFORCE_AFTER_MS - 1;
    expect(s.next()).toBeUndefined();
    now += 1;
    expect(drain(s)).toEqual(['views-0@0']);
    expect(s.enforced).toBe(1);
  });

  it('max.task.idle.ms > 0 also waits that long for a partition that is caught up', () => {
    let now = 0;
    const s = new RecordSelector(300, () => now);
    s.assign('views', 0, 0, 1);
    s.assign('users', 0, 4, 4);
    s.add('views', 0, [rec('views', 0, 0, 5)], 1);
    expect(s.next()).toBeUndefined();
    now = 299;
    expect(s.next()).toBeUndefined();
    now = 300;
    expect(drain(s)).toEqual(['views-0@0']);
  });
});
