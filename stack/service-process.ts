/**
 * A project CLI run as a service in a process of its own, as an operator runs one next to clusters of
 * their own (our ksqlDB and Connect joined to a real Kafka, the session feed, the dashboard): started
 * with exactly the given environment on top of PATH/HOME/TMPDIR, ready once its output shows its ready
 * line, stopped with SIGTERM (SIGKILL after 20 s). Used by the reference suite and the reference bench.
 */
import { stopChild } from '../embedded/common/stop-child.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const TSX = path.resolve('node_modules/.bin/tsx');

export interface Service {
  name: string;
  /** What the process wrote so far (stdout and stderr). */
  output(): string;
  /** The URL named by its ready line, when `readyLine` captured one. */
  url: string;
  pid: number;
  stop(): Promise<void>;
}

function keptEnv(): Record<string, string> {
  return Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
}

/**
 * Runs `script` with `args` and resolves once its output matches `readyLine` (its first group is the
 * service's URL). Rejects with the output when it exits first or is not ready within `timeoutMs`.
 */
export function startService(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  readyLine: RegExp,
  timeoutMs = 180_000,
): Promise<Service> {
  const child: ChildProcess = spawn(TSX, [script, ...args], { env: { ...keptEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= stopChild(child);
    return stopping;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} not ready within ${timeoutMs} ms:\n${output.slice(-2000)}`));
    }, timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk;
      const match = readyLine.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve({ name, output: () => output, url: match[1] ?? '', pid: child.pid!, stop });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${signal ?? code}) before it was ready:\n${output.slice(-2000)}`));
    });
  });
}
