/** The yardstick: copying the same bytes over a plain loopback TCP connection, no protocol at all. */
import net from 'node:net';

export async function rawLoopbackCopy(totalBytes: number, chunkBytes = 64 * 1024): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const received = new Promise<void>((resolve) => {
    server.once('connection', (socket) => {
      let got = 0;
      socket.on('data', (d) => {
        got += d.length;
        if (got >= totalBytes) resolve();
      });
    });
  });
  const start = process.hrtime.bigint();
  const client = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  const chunk = Buffer.alloc(chunkBytes, 0x61);
  let sent = 0;
  while (sent < totalBytes) {
    const n = Math.min(chunkBytes, totalBytes - sent);
    if (!client.write(n === chunkBytes ? chunk : chunk.subarray(0, n))) await new Promise((r) => client.once('drain', r));
    sent += n;
  }
  await received;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  client.destroy();
  server.close();
  return ms;
}
