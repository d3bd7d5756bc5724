/**
 * Kafka listener abuse beyond test/kafka/fuzz.test.ts: hundreds of idle half-open connections, a
 * request dribbled one byte at a time, frames declaring 100 MB and more. The broker answers what is
 * valid, drops what is not, holds no memory for bytes that never come, and keeps serving real clients.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KafkaCluster } from '../../embedded/kafka/index.ts';
import { decodeResponseFrame, encodeRequestFrame } from '../../embedded/kafka/protocol/index.ts';
import { kafkaClient, startTestCluster } from '../support/kafka.ts';

function connect(port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
  });
}

async function produceAndCount(cluster: KafkaCluster, topic: string, n: number): Promise<number> {
  const kafka = kafkaClient(cluster);
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: Array.from({ length: n }, (_, i) => ({ value: `v${i}` })) });
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic);
  await admin.disconnect();
  return offsets.reduce((sum, o) => sum + Number(o.high), 0);
}

/** One ApiVersions request on a new connection: the correlation id of the answer. */
async function apiVersions(port: number, correlationId: number): Promise<number> {
  const socket = await connect(port);
  const reply = new Promise<Buffer>((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (d) => {
      chunks.push(d);
      const all = Buffer.concat(chunks);
      if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) resolve(all);
    });
  });
  socket.write(encodeRequestFrame(18, 2, correlationId, 'marker', {} as never));
  const bytes = await reply;
  socket.destroy();
  return (decodeResponseFrame(18, 2, bytes.subarray(4)) as { correlationId: number }).correlationId;
}

describe('Kafka listener abuse', () => {
  let cluster: KafkaCluster;
  let port: number;
  beforeAll(async () => {
    cluster = await startTestCluster();
    port = cluster.onlineBrokers()[0].port;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('serves clients while 300 connections sit idle with half a frame each', async () => {
    const idle = await Promise.all(Array.from({ length: 300 }, () => connect(port)));
    for (const socket of idle) socket.write(Buffer.from([0, 0, 0, 20, 0, 18]));
    const before = process.memoryUsage().rss;
    expect(await produceAndCount(cluster, 'with-idle-sockets', 100)).toBe(100);
    expect(process.memoryUsage().rss - before).toBeLessThan(200 * 1024 * 1024);
    for (const socket of idle) socket.destroy();
  });

  it('answers a request that arrives one byte at a time', async () => {
    const frame = encodeRequestFrame(18, 2, 4242, 'slow', {} as never);
    const socket = await connect(port);
    const reply = new Promise<Buffer>((resolve) => {
      const chunks: Buffer[] = [];
      socket.on('data', (d) => {
        chunks.push(d);
        const all = Buffer.concat(chunks);
        if (all.length >= 4 && all.length >= 4 + all.readInt32BE(0)) resolve(all);
      });
    });
    for (const byte of frame) {
      socket.write(Buffer.from([byte]));
      await new Promise((r) => setTimeout(r, 2));
    }
    const bytes = await reply;
    const { correlationId, body } = decodeResponseFrame(18, 2, bytes.subarray(4)) as { correlationId: number; body: { errorCode: number; apiKeys: unknown[] } };
    expect(correlationId).toBe(4242);
    expect(body.errorCode).toBe(0);
    expect(body.apiKeys.length).toBeGreaterThan(10);
    socket.destroy();
  });

  it('closes a connection whose frame declares more than socket.request.max.bytes, and holds nothing for an unfinished 100 MB frame', async () => {
    const tooBig = await connect(port);
    const closed = new Promise<void>((resolve) => tooBig.on('close', () => resolve()));
    const header = Buffer.alloc(4);
    header.writeInt32BE(200 * 1024 * 1024);
    tooBig.write(header);
    await closed;

    const before = process.memoryUsage().rss;
    const unfinished = await connect(port);
    const declared = Buffer.alloc(4);
    declared.writeInt32BE(100 * 1024 * 1024 - 1);
    await new Promise<void>((resolve, reject) => unfinished.write(Buffer.concat([declared, Buffer.alloc(64 * 1024)]), (e) => (e ? reject(e) : resolve())));
    // the bytes were readable before this request was sent, so the broker has read them once it answers
    expect(await apiVersions(port, 4343)).toBe(4343);
    expect(process.memoryUsage().rss - before).toBeLessThan(50 * 1024 * 1024);
    unfinished.destroy();

    expect(await produceAndCount(cluster, 'after-big-frames', 10)).toBe(10);
    expect(cluster.problems.get('bad-request')).toBeGreaterThan(0);
  });
});
