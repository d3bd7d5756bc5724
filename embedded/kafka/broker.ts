/**
 * One broker: a TCP listener speaking the Kafka protocol, and the partition replicas stored in this
 * broker's own data directory.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { KafkaCluster } from './cluster.ts';
import { Connection } from './connection.ts';
import { Replica } from './replica.ts';
import { logSettings, type LogSettings } from './topic-configs.ts';

export class Broker {
  online = false;
  readonly replicas = new Map<string, Replica>();
  private server: net.Server | undefined;
  private readonly connections = new Set<Connection>();

  constructor(
    readonly cluster: KafkaCluster,
    readonly id: number,
    public port: number,
    readonly dir: string,
  ) {}

  replica(topic: string, partition: number): Replica | undefined {
    return this.replicas.get(`${topic}-${partition}`);
  }

  /** Opens (and recovers) every replica this broker hosts according to the cluster metadata. */
  openReplicas(): void {
    fs.mkdirSync(this.dir, { recursive: true });
    for (const topic of this.cluster.metadata.topics.values()) {
      const settings = logSettings(this.cluster.topicConfig(topic));
      for (const p of topic.partitions) {
        if (p.replicas.includes(this.id)) this.openReplica(topic.name, p.partition, settings);
      }
    }
  }

  openReplica(topic: string, partition: number, settings: LogSettings): Replica {
    const key = `${topic}-${partition}`;
    let replica = this.replicas.get(key);
    if (!replica) {
      replica = Replica.open(this.dir, topic, partition, settings);
      this.replicas.set(key, replica);
    }
    return replica;
  }

  dropTopic(topic: string): void {
    for (const [key, replica] of this.replicas) {
      if (replica.topic !== topic) continue;
      replica.log.deleteLog();
      this.replicas.delete(key);
    }
    // A stopped broker still has the directories on disk; remove them so a restart does not resurrect data.
    if (fs.existsSync(this.dir)) {
      for (const entry of fs.readdirSync(this.dir)) {
        const match = /^(.*)-(\d+)$/.exec(entry);
        if (match && match[1] === topic) fs.rmSync(path.join(this.dir, entry), { recursive: true, force: true });
      }
    }
  }

  async listen(): Promise<void> {
    const server = net.createServer((socket) => {
      const connection = new Connection(this, socket);
      this.connections.add(connection);
      socket.once('close', () => this.connections.delete(connection));
    });
    server.maxConnections = 10_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.cluster.options.host, port: this.port }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        throw new Error(`broker ${this.id}: port ${this.port} on ${this.cluster.options.host} is already in use; stop what holds it or pick another first port (--port / KAFKA_PORT)`);
      }
      throw error;
    });
    server.on('error', (error) => this.cluster.countProblem('socket', `broker ${this.id}: listener error: ${error.message}`));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const replica of this.replicas.values()) replica.log.close();
    this.replicas.clear();
  }
}
