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
  /** Open connections per client address (Kafka's ConnectionQuotas). */
  private readonly perIp = new Map<string, number>();

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
      replica = Replica.open(this.dir, topic, partition, settings, this.cluster.openFiles);
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
    const server = net.createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.cluster.options.host, port: this.port }, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') {
        throw new Error(
          `broker ${this.id}: port ${this.port} on ${this.cluster.options.host} is already in use; stop what holds it or pick another first port (--port / KAFKA_PORT)`,
        );
      }
      throw error;
    });
    server.on('error', (error: NodeJS.ErrnoException) => this.onListenerError(error));
    this.port = (server.address() as net.AddressInfo).port;
    this.server = server;
  }

  /**
   * A new connection, unless the listener holds max.connections already or its address holds
   * max.connections.per.ip: then it is closed at once, as Kafka closes a connection over its per-ip quota.
   */
  private accept(socket: net.Socket): void {
    const { maxConnections, maxConnectionsPerIp } = this.cluster.options;
    const ip = socket.remoteAddress ?? 'unknown';
    const fromIp = this.perIp.get(ip) ?? 0;
    let refusal: string | undefined;
    if (this.connections.size >= maxConnections) {
      refusal = `the listener already holds the configured maximum of ${maxConnections} connections (max.connections; KAFKA_MAX_CONNECTIONS in npm start)`;
    } else if (fromIp >= maxConnectionsPerIp) {
      refusal = `address already has the configured maximum of ${maxConnectionsPerIp} connections (max.connections.per.ip; KAFKA_MAX_CONNECTIONS_PER_IP in npm start)`;
    }
    if (refusal) {
      socket.destroy();
      this.cluster.countBurst('connection-refused', `broker ${this.id}: rejected connection from ${ip}: ${refusal}; close idle clients or raise the limit`);
      return;
    }
    const connection = new Connection(this, socket);
    this.connections.add(connection);
    this.perIp.set(ip, fromIp + 1);
    socket.once('close', () => {
      this.connections.delete(connection);
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left > 0) this.perIp.set(ip, left);
      else this.perIp.delete(ip);
    });
  }

  /**
   * accept() failing with EMFILE/ENFILE (the process or the system is out of file descriptors) is not
   * fatal: libuv drops the pending connection and the listener keeps accepting once descriptors free up.
   */
  private onListenerError(error: NodeJS.ErrnoException): void {
    if (error.code === 'EMFILE' || error.code === 'ENFILE') {
      this.cluster.countBurst(
        'accept-failed',
        `broker ${this.id}: accept failed with ${error.code} (${error.code === 'EMFILE' ? 'this process' : 'the system'} is out of file descriptors): ` +
          'new connections are dropped until some close; lower KAFKA_MAX_CONNECTIONS or raise the open-file limit (ulimit -n)',
      );
      return;
    }
    this.cluster.countProblem('socket', `broker ${this.id}: listener error: ${error.message}`);
  }

  /** Connections this broker holds now. */
  get connectionCount(): number {
    return this.connections.size;
  }

  async close(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
    this.perIp.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
    for (const replica of this.replicas.values()) replica.log.close();
    this.replicas.clear();
  }
}
