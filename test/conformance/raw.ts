/** A tiny raw Kafka connection for the scenarios no client can express: send frames, read frames, see closes. */
import net from 'node:net';
import { decodeResponseFrame, encodeRequestFrame, type ApiKeyNumber, type RequestOf, type ResponseOf } from '../../embedded/kafka/protocol/index.ts';

export class RawConnection {
  private buffered = Buffer.alloc(0);
  private waiting: { resolve: (frame: Buffer) => void; reject: (e: Error) => void }[] = [];
  private frames: Buffer[] = [];
  closed = false;
  private correlationId = 1;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4) {
        const size = this.buffered.readInt32BE(0);
        if (this.buffered.length < 4 + size) break;
        const frame = this.buffered.subarray(4, 4 + size);
        this.buffered = this.buffered.subarray(4 + size);
        const waiter = this.waiting.shift();
        if (waiter) waiter.resolve(frame);
        else this.frames.push(frame);
      }
    });
    const onClose = () => {
      this.closed = true;
      for (const w of this.waiting.splice(0)) w.reject(new ConnectionClosed());
    };
    socket.on('close', onClose);
    socket.on('error', () => {});
  }

  static connect(hostPort: string): Promise<RawConnection> {
    const [host, port] = hostPort.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), host, () => resolve(new RawConnection(socket)));
      socket.once('error', reject);
    });
  }

  sendBytes(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  /** The next response frame (bytes after the size), or ConnectionClosed, or a timeout error. */
  nextFrame(timeoutMs = 10_000): Promise<Buffer> {
    const ready = this.frames.shift();
    if (ready) return Promise.resolve(ready);
    if (this.closed) return Promise.reject(new ConnectionClosed());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w.resolve !== done);
        reject(new Error(`no response within ${timeoutMs} ms`));
      }, timeoutMs);
      const done = (frame: Buffer) => {
        clearTimeout(timer);
        resolve(frame);
      };
      this.waiting.push({
        resolve: done,
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  }

  async request<K extends ApiKeyNumber>(apiKey: K, version: number, body: RequestOf<K>, timeoutMs = 10_000): Promise<ResponseOf<K>> {
    const correlationId = this.correlationId++;
    this.sendBytes(encodeRequestFrame(apiKey, version, correlationId, 'conformance', body));
    const frame = await this.nextFrame(timeoutMs);
    const decoded = decodeResponseFrame(apiKey, version, frame);
    if (decoded.correlationId !== correlationId) throw new Error(`correlation id ${decoded.correlationId}, expected ${correlationId}`);
    return decoded.body;
  }

  /** Resolves true if the peer closes the connection within `ms`. */
  async closesWithin(ms: number): Promise<boolean> {
    try {
      await this.nextFrame(ms);
      return false;
    } catch (error) {
      return error instanceof ConnectionClosed;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

export class ConnectionClosed extends Error {
  override name = 'ConnectionClosed';
  constructor() {
    super('connection closed by the broker');
  }
}

/** A request frame with a v1 header and an arbitrary body, for keys and versions our codec does not know. */
export function rawRequestFrame(apiKey: number, version: number, correlationId: number, body: Buffer = Buffer.alloc(0)): Buffer {
  const clientId = Buffer.from('conformance');
  const header = Buffer.alloc(10 + clientId.length);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(version, 2);
  header.writeInt32BE(correlationId, 4);
  header.writeInt16BE(clientId.length, 8);
  clientId.copy(header, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  return Buffer.concat([size, header, body]);
}

export async function withRaw<T>(hostPort: string, fn: (c: RawConnection) => Promise<T>): Promise<T> {
  const c = await RawConnection.connect(hostPort);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
