/**
 * The health strip's storage checks: the Disk pill (free space where the embedded stack keeps its data) and
 * the Kafka pill turning "degraded" when the embedded cluster reports writes its disk refused.
 */
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { defaultHealthTargets, diskHealthTarget, kafkaHealthTarget, runHealthChecks } from '../../dashboard/health.ts';

function statfs(freeMb: number, totalMb = 40) {
  return () => ({ bavail: freeMb * 256, blocks: totalMb * 256, bsize: 4096 });
}

describe('storage on the health strip', () => {
  it('Disk: up with room, degraded when low, down when full, naming the directory and the space', async () => {
    const results = await runHealthChecks([
      diskHealthTarget('/data', { statfs: statfs(2048, 40 * 1024) }),
      diskHealthTarget('/data', { statfs: statfs(100, 1024) }),
      diskHealthTarget('/data', { statfs: statfs(0) }),
      diskHealthTarget('/nowhere', {
        statfs: () => {
          throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
        },
      }),
    ]);
    expect(results.map((r) => [r.name, r.status, r.detail])).toEqual([
      ['Disk', 'up', '2.0 GB free of 40.0 GB at /data'],
      ['Disk', 'degraded', 'disk almost full: 100.0 MB free of 1.0 GB at /data'],
      ['Disk', 'down', 'disk full: 0 B free of 40.0 MB at /data; writes fail until space is freed'],
      ['Disk', 'down', '/nowhere: ENOENT'],
    ]);
  });

  it('Kafka: brokers answering but a disk refusing writes is degraded, naming who, where and why', async () => {
    // a stand-in broker answering ApiVersions with error code 0
    const server = net.createServer((socket) =>
      socket.once('data', (request) => {
        const answer = Buffer.alloc(10);
        answer.writeInt32BE(6, 0);
        request.copy(answer, 4, 8, 12);
        answer.writeInt16BE(0, 8);
        socket.end(answer);
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const bootstrap = [`127.0.0.1:${(server.address() as net.AddressInfo).port}`];
    try {
      let problems = [{ who: 'broker 2', dir: '/data/kafka/broker-2', cause: 'disk full (ENOSPC: no space left on device)' }];
      const target = kafkaHealthTarget(bootstrap, 'Kafka', { storageProblems: () => problems });
      const [sick] = await runHealthChecks([target]);
      expect(sick!.status).toBe('degraded');
      expect(sick!.detail).toBe(
        'broker 2 cannot write to /data/kafka/broker-2: disk full (ENOSPC: no space left on device); ' +
          'produce requests answer KAFKA_STORAGE_ERROR (1/1 brokers answer ApiVersions)',
      );
      problems = [];
      const [well] = await runHealthChecks([target]);
      expect(well!.status).toBe('up');
    } finally {
      server.close();
    }
  });

  it('the embedded stack adds the Disk pill after the five components', () => {
    const names = (dataDir?: string) =>
      defaultHealthTargets({
        kafkaBootstrap: ['127.0.0.1:9092'],
        connectUrl: 'http://x',
        ksqldbUrl: 'http://x',
        pinotControllerUrl: 'http://x',
        pinotBrokerUrl: 'http://x',
        mysql: {},
        ...(dataDir ? { dataDir } : {}),
      }).map((t) => t.name);
    expect(names()).toEqual(['Kafka', 'Connect', 'ksqlDB', 'Pinot', 'MySQL']);
    expect(names('/data')).toEqual(['Kafka', 'Connect', 'ksqlDB', 'Pinot', 'MySQL', 'Disk']);
  });
});
