import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AssignerProtocol, type Consumer } from 'kafkajs';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { endOffsets, kafkaClient, ReadPosition, startTestCluster, waitFor } from '../support/kafka.ts';

describe('embedded cluster with kafkajs', () => {
  let cluster: KafkaCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('admin creates a topic with 5 partitions and RF 3, leaders spread over the brokers', async () => {
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 5, replicationFactor: 3 }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'orders', numPartitions: 5, replicationFactor: 3 }] })).toBe(false);
    const meta = await admin.fetchTopicMetadata({ topics: ['orders'] });
    const partitions = meta.topics[0].partitions;
    expect(partitions).toHaveLength(5);
    for (const p of partitions) {
      expect(p.replicas).toHaveLength(3);
      expect(new Set(p.isr)).toEqual(new Set(p.replicas));
    }
    expect(new Set(partitions.map((p) => p.leader)).size).toBe(3);
    await expect(admin.createTopics({ topics: [{ topic: 'too-many-replicas', numPartitions: 1, replicationFactor: 4 }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_REPLICATION_FACTOR' })],
    });
    await admin.disconnect();
  });

  it('a producer sends 10k keyed messages that land on their partitions in order', async () => {
    const kafka = kafkaClient(cluster);
    const producer = kafka.producer();
    await producer.connect();
    const messages = Array.from({ length: 10_000 }, (_, i) => ({ key: `user-${i % 100}`, value: JSON.stringify({ i }) }));
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({ topic: 'orders', acks: -1, messages: messages.slice(i, i + 1000) });
    }
    await producer.disconnect();

    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('orders');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(10_000);
    expect(offsets.filter((o) => Number(o.high) > 0).length).toBe(5);
    await admin.disconnect();

    // Read everything back with a group-less pass and check per-key order.
    const consumer = kafka.consumer({ groupId: 'reader-all' });
    const seen = new Map<string, number[]>();
    let count = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'orders', fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const key = message.key!.toString();
        const list = seen.get(key) ?? [];
        list.push(JSON.parse(message.value!.toString()).i);
        seen.set(key, list);
        count++;
      },
    });
    await waitFor('10k messages consumed', () => (count >= 10_000 ? true : undefined), 30_000);
    await consumer.disconnect();
    expect(count).toBe(10_000);
    for (const list of seen.values()) expect(list).toEqual([...list].sort((a, b) => a - b));
  });

  it('a group of two consumers splits the partitions, commits, and a restarted consumer resumes', async () => {
    const kafka = kafkaClient(cluster);
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'split', numPartitions: 6, replicationFactor: 3 }] });
    const producer = kafka.producer();
    await producer.connect();

    const joins = new Map<string, number[]>();
    const received: string[] = [];
    const consumers: Consumer[] = [];
    for (const name of ['a', 'b']) {
      const consumer = kafka.consumer({ groupId: 'splitters', sessionTimeout: 10_000, heartbeatInterval: 500, maxWaitTimeInMs: 500 });
      consumer.on(consumer.events.GROUP_JOIN, (event) => {
        joins.set(name, event.payload.memberAssignment.split ?? []);
      });
      await consumer.connect();
      await consumer.subscribe({ topic: 'split', fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          received.push(message.value!.toString());
        },
      });
      consumers.push(consumer);
    }
    // Both members hold disjoint halves of the final generation, as the coordinator reports too.
    const covered = () => {
      const [a, b] = [joins.get('a') ?? [], joins.get('b') ?? []];
      return a.length > 0 && b.length > 0 && [...a, ...b].sort().join() === '0,1,2,3,4,5';
    };
    const group = await waitFor(
      'a stable group of two with the partitions split',
      async () => {
        const g = (await admin.describeGroups(['splitters'])).groups[0];
        return g.state === 'Stable' && g.members.length === 2 && covered() ? g : undefined;
      },
      40_000,
      250,
    );
    const fromCoordinator = group.members.map((m) => AssignerProtocol.MemberAssignment.decode(m.memberAssignment)!.assignment.split.sort().join()).sort();
    expect(fromCoordinator).toEqual([joins.get('a')!, joins.get('b')!].map((p) => [...p].sort().join()).sort());

    await producer.send({ topic: 'split', messages: Array.from({ length: 600 }, (_, i) => ({ key: String(i), value: String(i) })) });
    await waitFor('600 messages over two consumers', () => (new Set(received).size >= 600 ? true : undefined), 40_000);
    await Promise.all(consumers.map((c) => c.disconnect()));
    expect(received).toHaveLength(600);

    const committed = await admin.fetchOffsets({ groupId: 'splitters', topics: ['split'] });
    const total = committed[0].partitions.reduce((n, p) => n + Number(p.offset), 0);
    expect(total).toBe(600);

    // More messages arrive; a restarted member of the group reads only those.
    const committedEnds = await endOffsets(kafka, 'split');
    await producer.send({ topic: 'split', messages: Array.from({ length: 60 }, (_, i) => ({ key: `late-${i}`, value: `late-${i}` })) });
    const ends = await endOffsets(kafka, 'split');
    const resumed: string[] = [];
    const position = new ReadPosition();
    const again = kafka.consumer({ groupId: 'splitters', heartbeatInterval: 500 });
    await again.connect();
    await again.subscribe({ topic: 'split', fromBeginning: true });
    await again.run({
      eachMessage: async ({ partition, message }) => {
        resumed.push(message.value!.toString());
        position.record(partition, message.offset);
      },
    });
    await waitFor('a read through the 60 new messages', () => (position.readThrough(ends, committedEnds) ? true : undefined), 30_000);
    await again.disconnect();
    expect(resumed.every((v) => v.startsWith('late-'))).toBe(true);
    expect(resumed).toHaveLength(60);

    await producer.disconnect();
    await admin.disconnect();
  });

  it('lists and deletes topics and groups', async () => {
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['orders', 'split']));
    const groups = await admin.listGroups();
    expect(groups.groups.map((g) => g.groupId)).toEqual(expect.arrayContaining(['splitters', 'reader-all']));
    await admin.deleteGroups(['splitters']);
    expect((await admin.listGroups()).groups.map((g) => g.groupId)).not.toContain('splitters');
    await admin.deleteTopics({ topics: ['split'] });
    expect(await admin.listTopics()).not.toContain('split');
    await expect(admin.deleteTopics({ topics: ['never-existed'] })).rejects.toThrow();
    await admin.disconnect();
  });

  it('reports configs and lets them be changed', async () => {
    const admin = kafkaClient(cluster).admin();
    await admin.connect();
    await admin.createTopics({
      topics: [{ topic: 'changelog', numPartitions: 1, replicationFactor: 3, configEntries: [{ name: 'cleanup.policy', value: 'compact' }] }],
    });
    const described = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: 2, name: 'changelog' }] });
    const entries = Object.fromEntries(described.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
    expect(entries['cleanup.policy']).toBe('compact');
    expect(entries['min.insync.replicas']).toBe('2');
    await expect(admin.createTopics({ topics: [{ topic: 'bad-config', configEntries: [{ name: 'no.such.config', value: '1' }] }] })).rejects.toMatchObject({
      errors: [expect.objectContaining({ type: 'INVALID_CONFIG' })],
    });
    await admin.createPartitions({ topicPartitions: [{ topic: 'changelog', count: 3 }] });
    const meta = await admin.fetchTopicMetadata({ topics: ['changelog'] });
    expect(meta.topics[0].partitions).toHaveLength(3);
    await admin.disconnect();
  });
});
