/**
 * The embedded Kafka cluster in a child process of its own (`embedded/kafka/cli.ts`, as `npm run kafka` runs
 * it), so a benchmark's clients and the brokers do not share a core. Port 0: free ports for every broker.
 */
import { spawn } from 'node:child_process';

export interface ClusterProcess {
  bootstrap: string;
  pid: number;
  stop: () => Promise<void>;
}

/** Starts the cluster; resolves once it prints its bootstrap list. */
export async function startClusterProcess(dataDir: string, port = 0, brokers = 3): Promise<ClusterProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'embedded/kafka/cli.ts', '--data-dir', dataDir, '--port', String(port), '--brokers', String(brokers)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const bootstrap = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /bootstrap: (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.on('close', (code) => reject(new Error(`embedded Kafka exited with ${code} before it was ready: ${out}`)));
  });
  return {
    bootstrap,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('close');
        child.on('close', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
