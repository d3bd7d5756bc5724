/** Runs one of the project's CLIs as a user would, with only the given environment. */
import { spawn } from 'node:child_process';
import path from 'node:path';

const TSX = path.resolve('node_modules/.bin/tsx');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a CLI with exactly `env` on top of PATH/HOME (none of this machine's stack variables). */
export function cli(script: string, args: string[], env: Record<string, string>, timeoutMs = 90_000, signal?: AbortSignal): Promise<CliResult> {
  return run(TSX, [script, ...args], env, timeoutMs, signal);
}

/** Runs `command` with exactly `env` on top of PATH/HOME/TMPDIR; SIGKILL after `timeoutMs`, SIGTERM when `signal` aborts. */
export function run(command: string, args: string[], env: Record<string, string>, timeoutMs = 90_000, signal?: AbortSignal): Promise<CliResult> {
  const keep = Object.fromEntries(['PATH', 'HOME', 'TMPDIR'].filter((n) => process.env[n] !== undefined).map((n) => [n, process.env[n]!]));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...keep, ...env }, stdio: ['ignore', 'pipe', 'pipe'], ...(signal ? { signal } : {}) });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', (error) => {
      if (error.name !== 'AbortError') reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
