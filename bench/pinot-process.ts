/**
 * The embedded Pinot in a child process of its own (`embedded/pinot/cli.ts`, as `npm run pinot` runs it, with
 * the stack's DuckDB limits and heap limit), so its memory is measured alone and a benchmark's clients do not
 * share its event loop. Port 0: free ports.
 */
import { spawn } from 'node:child_process';

export interface PinotProcess {
  controllerUrl: string;
  brokerUrl: string;
  pid: number;
  /** Milliseconds from spawning the process to its ready line. */
  startupMs: number;
  stop: () => Promise<void>;
}

/** Starts it; resolves once it prints that it is ready. */
export async function startPinotProcess(options: { dataDir: string; kafkaBootstrap: string; maxHeapMb: number }): Promise<PinotProcess> {
  const started = Date.now();
  const heap = options.maxHeapMb > 0 ? [`--max-old-space-size=${options.maxHeapMb}`] : [];
  const child = spawn(
    process.execPath,
    [
      ...heap,
      '--import',
      'tsx',
      'embedded/pinot/cli.ts',
      '--data-dir',
      options.dataDir,
      '--controller-port',
      '0',
      '--broker-port',
      '0',
      '--bootstrap',
      options.kafkaBootstrap,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const urls = await new Promise<{ controllerUrl: string; brokerUrl: string }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const controller = /\[pinot\] controller (\S+)/.exec(out);
      const broker = /\[pinot\] broker (\S+)/.exec(out);
      if (controller && broker && out.includes('[pinot] ready')) resolve({ controllerUrl: controller[1]!, brokerUrl: broker[1]! });
    });
    child.on('close', (code) => reject(new Error(`embedded Pinot exited with ${code} before it was ready: ${out}`)));
  });
  const startupMs = Date.now() - started;
  child.stdout!.resume();
  return {
    ...urls,
    pid: child.pid!,
    startupMs,
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('close');
        if (child.exitCode !== null) return resolve();
        child.on('close', () => resolve());
        child.kill('SIGINT');
      }),
  };
}
