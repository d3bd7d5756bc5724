/**
 * Child processes for the fault suite: the parts' CLIs started as ONE node process each
 * (`node --import tsx <script>`, no npm/tsx wrapper), so SIGKILL hits the process that holds the data.
 */
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  child: ChildProcess;
  /** stdout + stderr so far */
  output(): string;
  /** SIGKILL and wait for the exit. */
  kill9(): Promise<void>;
  /** SIGINT and wait for the exit code. */
  interrupt(): Promise<number | null>;
}

/** Starts `node --import tsx script args…` and resolves once `ready` matches its output. */
export function startNodeScript(
  script: string,
  args: string[],
  ready: RegExp,
  timeoutMs = 30_000,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Child & { match: RegExpExecArray }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let out = '';
    let done = false;
    const exited = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
    const handle: Child = {
      child,
      output: () => out,
      kill9: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        await exited;
      },
      interrupt: async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
        return exited;
      },
    };
    const timer = setTimeout(() => {
      if (done) return;
      done = true;
      child.kill('SIGKILL');
      reject(new Error(`${script} printed no ${ready} within ${timeoutMs} ms: ${out.slice(-2000)}`));
    }, timeoutMs);
    const onData = (d: Buffer) => {
      out += d;
      const match = ready.exec(out);
      if (match && !done) {
        done = true;
        clearTimeout(timer);
        resolve({ ...handle, match });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('close', (code) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code} before it was ready: ${out.slice(-2000)}`));
    });
  });
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports on 127.0.0.1 (for CLIs that take a first port and must come back on the same ones). */
export async function freePortRange(count: number): Promise<number> {
  for (let attempt = 0; attempt < 200; attempt++) {
    // Below Linux's ephemeral range (32768 and up), where listen(0) of concurrent tests and the local
    // ports of outgoing connections land: a port found free there can be taken before it is bound.
    const base = 20_000 + Math.floor(Math.random() * (12_000 - count));
    let ok = true;
    for (let i = 0; i < count && ok; i++) ok = await canBind(base + i);
    if (ok) return base;
  }
  throw new Error(`no ${count} consecutive free ports found`);
}

/** A deterministic PRNG so a failing run can be replayed from its seed. */
export function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
