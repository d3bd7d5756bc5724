/**
 * One client connection. Like Kafka, a connection has one request in processing at a time and
 * answers in request order; a malformed frame or an unknown api key/version closes it (after
 * answering ApiVersions with UNSUPPORTED_VERSION, as Kafka does).
 */
import type net from 'node:net';
import type { Broker } from './broker.ts';
import { FrameSplitter } from './frame-splitter.ts';
import { handlers, type RequestContext } from './api/index.ts';
import { decodeRequestFrame, encodeApiVersionsUnsupportedFrame, encodeResponseFrame } from './protocol/index.ts';
import { ProtocolError, UnknownApiKeyError, UnsupportedVersionError } from './protocol/errors.ts';

export class Connection {
  private readonly splitter: FrameSplitter;
  private readonly queue: Buffer[] = [];
  private busy = false;
  private closed = false;
  private readonly abort = new AbortController();

  constructor(
    private readonly broker: Broker,
    private readonly socket: net.Socket,
  ) {
    this.splitter = new FrameSplitter(broker.cluster.options.maxRequestBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.destroy());
  }

  get remote(): string {
    return `${this.socket.remoteAddress}:${this.socket.remotePort}`;
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    this.abort.abort();
    this.socket.destroy();
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (error) {
      this.fail(`closed connection from ${this.remote}: ${(error as Error).message}`);
      return;
    }
    if (frames.length === 0) return;
    this.queue.push(...frames);
    // Kafka mutes a connection while it has a request in flight; stop reading when the backlog grows.
    if (this.queue.length > 1000) this.socket.pause();
    if (!this.busy) void this.drain();
  }

  private async drain(): Promise<void> {
    this.busy = true;
    try {
      while (!this.closed && this.queue.length > 0) {
        const frame = this.queue.shift()!;
        if (this.queue.length < 100 && this.socket.isPaused()) this.socket.resume();
        const response = await this.process(frame);
        if (response && !this.closed) this.socket.write(response);
      }
    } finally {
      this.busy = false;
    }
  }

  private async process(frame: Buffer): Promise<Buffer | null> {
    const cluster = this.broker.cluster;
    let request;
    try {
      request = decodeRequestFrame(frame);
    } catch (error) {
      if (error instanceof UnsupportedVersionError && error.isApiVersions) {
        return encodeApiVersionsUnsupportedFrame(error.header.correlationId);
      }
      if (error instanceof UnknownApiKeyError || error instanceof UnsupportedVersionError || error instanceof ProtocolError) {
        this.fail(`broker ${this.broker.id}: closed connection from ${this.remote}: ${error.message}`);
        return null;
      }
      throw error;
    }
    const { header, body } = request;
    const handler = handlers[header.apiKey];
    if (!handler) {
      this.fail(`broker ${this.broker.id}: closed connection from ${this.remote}: no handler for api key ${header.apiKey}`);
      return null;
    }
    const context: RequestContext = {
      cluster,
      broker: this.broker,
      apiVersion: header.apiVersion,
      clientId: header.clientId ?? '',
      clientHost: `/${this.socket.remoteAddress ?? '127.0.0.1'}`,
      signal: this.abort.signal,
    };
    let responseBody: unknown;
    try {
      responseBody = await handler(context, body as never);
    } catch (error) {
      this.fail(`broker ${this.broker.id}: api key ${header.apiKey} v${header.apiVersion} from ${this.remote} failed: ${(error as Error).stack ?? error}`);
      return null;
    }
    if (responseBody === undefined || this.closed) return null; // e.g. Produce with acks=0
    return encodeResponseFrame(header.apiKey, header.apiVersion, header.correlationId, responseBody as never);
  }

  private fail(line: string): void {
    this.broker.cluster.countProblem('bad-request', line);
    this.destroy();
  }
}
