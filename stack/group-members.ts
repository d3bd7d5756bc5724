/**
 * Ends the consumer-group memberships a dead thread left behind. A consumer whose thread was ended
 * sends no LeaveGroup: the coordinator keeps it a member until its session times out (ksqlDB's query
 * consumer: 30 s), and a new consumer's join waits for it. Before a restarted part joins, the
 * supervisor's part sends LeaveGroup (v0, one member each) for every member the group still lists,
 * as the dead consumer would have on a clean stop. Kafka's own wire format, through the protocol
 * codecs of embedded/kafka, so it works against any Kafka.
 */
import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';
import * as FindCoordinator from '../embedded/kafka/protocol/10-find-coordinator.ts';
import * as LeaveGroup from '../embedded/kafka/protocol/13-leave-group.ts';
import { decodeResponseHeader, encodeRequestHeader } from '../embedded/kafka/protocol/header.ts';
import { Reader } from '../embedded/kafka/protocol/reader.ts';
import { Writer } from '../embedded/kafka/protocol/writer.ts';

const TIMEOUT_MS = 5_000;

/** Members of `groupId` removed (0 when it has none); throws when the coordinator cannot be asked. */
export async function removeGroupMembers(brokers: string[], groupId: string): Promise<number> {
  const admin = new Kafka({ clientId: 'supervisor', brokers, logLevel: logLevel.NOTHING, retry: { retries: 2 } }).admin();
  await admin.connect();
  let members: string[];
  try {
    const { groups } = await admin.describeGroups([groupId]);
    members = (groups[0]?.members ?? []).map((m) => m.memberId);
  } finally {
    await admin.disconnect();
  }
  if (members.length === 0) return 0;
  const [host, port] = splitHostPort(brokers[0]!);
  const found = await exchange(host, port, FindCoordinator, { key: groupId, keyType: 0 });
  if (found.errorCode !== 0) throw new Error(`FindCoordinator for ${groupId}: error ${found.errorCode}`);
  for (const memberId of members) {
    const left = await exchange(found.host, found.port, LeaveGroup, { groupId, memberId, members: [] });
    // 25 UNKNOWN_MEMBER_ID: its session ended meanwhile, as wanted
    if (left.errorCode !== 0 && left.errorCode !== 25) throw new Error(`LeaveGroup for ${memberId} of ${groupId}: error ${left.errorCode}`);
  }
  return members.length;
}

function splitHostPort(address: string): [string, number] {
  const i = address.lastIndexOf(':');
  return [address.slice(0, i).replace(/^\[|\]$/g, ''), Number(address.slice(i + 1))];
}

interface Codec<Req, Res> {
  apiKey: number;
  encodeRequest(w: Writer, version: number, body: Req): void;
  decodeResponse(r: Reader, version: number): Res;
}

/** One version-0 request on a connection of its own, its answer decoded. */
function exchange<Req, Res>(host: string, port: number, api: Codec<Req, Res>, body: Req): Promise<Res> {
  const w = new Writer();
  w.writeInt32(0);
  encodeRequestHeader(w, { apiKey: api.apiKey, apiVersion: 0, correlationId: 1, clientId: 'supervisor' }, 1);
  api.encodeRequest(w, 0, body);
  const frame = Buffer.from(w.toBuffer());
  frame.writeInt32BE(frame.length - 4, 0);
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let received = Buffer.alloc(0);
    socket.setTimeout(TIMEOUT_MS, () => socket.destroy(new Error(`no answer from ${host}:${port} within ${TIMEOUT_MS} ms`)));
    socket.once('error', reject);
    socket.once('connect', () => socket.write(frame));
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      if (received.length < 4 || received.length < 4 + received.readInt32BE(0)) return;
      socket.destroy();
      try {
        const r = new Reader(received, 4, 4 + received.readInt32BE(0));
        decodeResponseHeader(r, 0);
        resolve(api.decodeResponse(r, 0));
      } catch (error) {
        reject(error as Error);
      }
    });
    socket.once('close', () => reject(new Error(`${host}:${port} closed the connection without an answer`)));
  });
}
