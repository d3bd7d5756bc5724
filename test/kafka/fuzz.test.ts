import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';

/** Sends raw bytes to a broker and resolves with whatever it answers before closing (or a timeout). */
function sendRaw(port: number, bytes: Buffer, waitMs = 300): Promise<{ closed: boolean; reply: Buffer }> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closed = false;
    socket.on('data', (d) => chunks.push(d));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
    });
    socket.on('connect', () => socket.write(bytes));
    setTimeout(() => {
      socket.destroy();
      resolve({ closed, reply: Buffer.concat(chunks) });
    }, waitMs);
  });
}

function frame(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

function header(apiKey: number, version: number, correlationId: number, clientId = 'fuzz'): Buffer {
  const b = Buffer.alloc(10 + clientId.length);
  b.writeInt16BE(apiKey, 0);
  b.writeInt16BE(version, 2);
  b.writeInt32BE(correlationId, 4);
  b.writeInt16BE(clientId.length, 8);
  b.write(clientId, 10);
  return b;
}

/** A deterministic PRNG so a failure can be replayed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('hostile input', () => {
  let cluster: KafkaCluster;
  beforeAll(async () => {
    cluster = await startTestCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('answers ApiVersions at an unsupported version with UNSUPPORTED_VERSION, and closes on unknown keys', async () => {
    const port = cluster.onlineBrokers()[0].port;
    const apiVersions = await sendRaw(port, frame(header(18, 9, 77)));
    expect(apiVersions.reply.readInt32BE(4)).toBe(77);
    expect(apiVersions.reply.readInt16BE(8)).toBe(35);
    const unknown = await sendRaw(port, frame(header(999, 0, 1)));
    expect(unknown.closed).toBe(true);
    expect(unknown.reply.length).toBe(0);
  });

  it('survives random, truncated and oversized frames and bad CRCs, and keeps serving other clients', async () => {
    const port = cluster.onlineBrokers()[0].port;
    const random = prng(42);
    const bytes = (n: number) => Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)));
    const attacks: Buffer[] = [
      Buffer.from([0xff, 0xff, 0xff, 0xff]), // negative size
      Buffer.from([0x7f, 0xff, 0xff, 0xff, 1, 2, 3]), // 2 GiB frame
      frame(Buffer.alloc(0)), // empty frame
      frame(Buffer.from([0, 3])), // truncated header
      frame(Buffer.concat([header(3, 6, 1), Buffer.from([0x7f, 0xff, 0xff, 0xff])])), // metadata with a huge array count
      frame(Buffer.concat([header(0, 7, 2), Buffer.from([0xff, 0xff, 0, 1])])), // produce cut short
    ];
    for (let i = 0; i < 200; i++) {
      const key = Math.floor(random() * 50);
      const version = Math.floor(random() * 12);
      attacks.push(frame(Buffer.concat([header(key, version, i), bytes(Math.floor(random() * 200))])));
    }
    for (let i = 0; i < attacks.length; i += 20) {
      await Promise.all(attacks.slice(i, i + 20).map((a) => sendRaw(port, a, 100)));
    }

    // A produce whose batch has a bad CRC is refused with CORRUPT_MESSAGE and nothing is stored.
    const kafka = kafkaClient(cluster);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'after-fuzz', messages: [{ value: 'before' }] });
    const state = cluster.topic('after-fuzz')!.partitions;
    const leaderOf = (p: number) => cluster.brokers.get(state[p].leader)!;
    const good = leaderOf(0)
      .replica('after-fuzz', 0)!
      .log.read(0, 1 << 20);
    const partitionWithData = good.length > 0 ? 0 : state.findIndex((_, p) => leaderOf(p).replica('after-fuzz', p)!.log.logEndOffset > 0);
    const batch = Buffer.from(
      leaderOf(partitionWithData)
        .replica('after-fuzz', partitionWithData)!
        .log.read(0, 1 << 20),
    );
    batch[batch.length - 1] ^= 0xff;
    const endBefore = leaderOf(partitionWithData).replica('after-fuzz', partitionWithData)!.log.logEndOffset;
    const { encodeRequest } = await import('../../embedded/kafka/protocol/00-produce.ts');
    const { Writer } = await import('../../embedded/kafka/protocol/writer.ts');
    const body = new Writer();
    encodeRequest(body, 7, {
      transactionalId: null,
      acks: -1,
      timeoutMs: 1000,
      topicData: [{ name: 'after-fuzz', partitionData: [{ index: partitionWithData, records: batch }] }],
    });
    const reply = await sendRaw(leaderOf(partitionWithData).port, frame(Buffer.concat([header(0, 7, 5), body.toBuffer()])));
    // size, correlation id, topics[1], name, partitions[1], index, then the error code
    const errorOffset = 4 + 4 + 4 + 2 + 'after-fuzz'.length + 4 + 4;
    expect(reply.reply.readInt16BE(errorOffset)).toBe(2);
    expect(leaderOf(partitionWithData).replica('after-fuzz', partitionWithData)!.log.logEndOffset).toBe(endBefore);

    // The broker still serves real clients.
    await producer.send({ topic: 'after-fuzz', messages: [{ value: 'after' }] });
    await producer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    const offsets = await admin.fetchTopicOffsets('after-fuzz');
    expect(offsets.reduce((n, o) => n + Number(o.high), 0)).toBe(2);
    await admin.disconnect();
    expect(cluster.problems.get('bad-request')).toBeGreaterThan(0);
  });
});
