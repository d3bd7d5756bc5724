/**
 * One client connection to a Kafka broker, for our own producer (record-writer.ts): requests
 * are encoded with the embedded broker's codecs (embedded/kafka/protocol), several may be in flight,
 * and responses are matched by correlation id. A socket error or a request timeout fails every pending
 * request with a ConnectionError and closes the connection; the caller opens a new one.
 */
import net from 'node:net';
import { decodeResponseFrame, encodeRequestFrame, FrameSplitter, type ApiKeyNumber, type RequestOf, type ResponseOf } from '../kafka/wire.ts';

/** The connection failed or a request got no answer in time: whether the broker acted on it is unknown. */
export class ConnectionError extends Error {
  override name = 'ConnectionError';
}

interface Pending {
  apiKey: number;
  version: number;
  resolve: (body: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

const MAX_RESPONSE_BYTES = 256 * 1024 * 1024;

export class BrokerConnection {
  private readonly pending = new Map<number, Pending>();
  private readonly splitter = new FrameSplitter(MAX_RESPONSE_BYTES);
  private nextCorrelationId = 1;
  private failure: ConnectionError | undefined;

  private constructor(
    private readonly socket: net.Socket,
    readonly address: string,
    private readonly clientId: string,
    private readonly requestTimeoutMs: number,
  ) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.fail(new ConnectionError(`connection to ${address} failed: ${e.message}`)));
    socket.on('close', () => this.fail(new ConnectionError(`connection to ${address} closed`)));
  }

  static open(host: string, port: number, opts: { clientId: string; connectTimeoutMs: number; requestTimeoutMs: number }): Promise<BrokerConnection> {
    const address = `${host}:${port}`;
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setNoDelay(true);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new ConnectionError(`connecting to ${address} timed out after ${opts.connectTimeoutMs} ms`));
      }, opts.connectTimeoutMs);
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(new ConnectionError(`cannot connect to ${address}: ${e.message}`));
      });
      socket.once('connect', () => {
        clearTimeout(timer);
        socket.removeAllListeners('error');
        resolve(new BrokerConnection(socket, address, opts.clientId, opts.requestTimeoutMs));
      });
    });
  }

  get closed(): boolean {
    return this.failure !== undefined;
  }

  request<K extends ApiKeyNumber>(apiKey: K, version: number, body: RequestOf<K>): Promise<ResponseOf<K>> {
    if (this.failure) return Promise.reject(this.failure);
    const correlationId = this.nextCorrelationId;
    this.nextCorrelationId = correlationId >= 0x7fffffff ? 1 : correlationId + 1;
    const frame = encodeRequestFrame(apiKey, version, correlationId, this.clientId, body);
    return new Promise<ResponseOf<K>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new ConnectionError(`request ${apiKey} v${version} to ${this.address} got no answer within ${this.requestTimeoutMs} ms`));
      }, this.requestTimeoutMs);
      timer.unref();
      this.pending.set(correlationId, { apiKey, version, resolve: resolve as (body: unknown) => void, reject, timer });
      this.socket.write(frame);
    });
  }

  close(): void {
    this.fail(new ConnectionError(`connection to ${this.address} closed by the client`));
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (e) {
      this.fail(new ConnectionError(`bad response frame from ${this.address}: ${(e as Error).message}`));
      return;
    }
    for (const frame of frames) {
      const correlationId = frame.length >= 4 ? frame.readInt32BE(0) : -1;
      const p = this.pending.get(correlationId);
      if (!p) {
        this.fail(new ConnectionError(`response from ${this.address} with unknown correlation id ${correlationId}`));
        return;
      }
      this.pending.delete(correlationId);
      clearTimeout(p.timer);
      try {
        p.resolve(decodeResponseFrame(p.apiKey, p.version, frame).body);
      } catch (e) {
        p.reject(new ConnectionError(`undecodable response from ${this.address}: ${(e as Error).message}`));
      }
    }
  }

  private fail(error: ConnectionError): void {
    if (!this.failure) this.failure = error;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(error);
    }
    this.pending.clear();
    this.socket.destroy();
  }
}
