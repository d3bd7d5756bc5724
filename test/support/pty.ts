/**
 * A command on a pseudo-terminal (test/support/pty-relay.py over Python's pty module), driven like a
 * person at a keyboard: typed text and keys go in (\r Enter, \x03 Ctrl-C, \x04 Ctrl-D, \x1b[A up), and
 * what it printed is read back as plain text, the terminal's escape sequences and carriage returns removed.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const RELAY = fileURLToPath(new URL('./pty-relay.py', import.meta.url));

export const KEYS = { enter: '\r', ctrlC: '\x03', ctrlD: '\x04', up: '\x1b[A' } as const;

export class PtySession {
  private raw = '';
  private readonly child: ChildProcessWithoutNullStreams;
  /** The exit code of the command (128+N after signal N). */
  readonly exited: Promise<number | null>;

  constructor(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; columns?: number; rows?: number } = {}) {
    this.child = spawn('python3', [RELAY, String(options.columns ?? 100), String(options.rows ?? 40), command, ...args], {
      env: options.env ?? process.env,
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.raw += chunk;
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.raw += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Everything shown so far, as text. */
  screen(): string {
    return this.raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
  }

  /** Where the screen ends now: a later wait can look only at what comes after. */
  mark(): number {
    return this.screen().length;
  }

  type(keys: string): void {
    this.child.stdin.write(keys);
  }

  /** Waits until the screen after `from` matches; returns the match's end. Names what it waited for and the screen on timeout. */
  async waitFor(pattern: RegExp | string, from = 0, timeoutMs = 20_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const text = this.screen().slice(from);
      const index = typeof pattern === 'string' ? text.indexOf(pattern) : text.search(pattern);
      if (index >= 0) {
        const length = typeof pattern === 'string' ? pattern.length : text.slice(index).match(pattern)![0].length;
        return from + index + length;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${String(pattern)}; the screen after the mark:\n${text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Closes the relay's stdin and, if it has not ended within `timeoutMs`, kills it. */
  async close(timeoutMs = 5_000): Promise<number | null> {
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
