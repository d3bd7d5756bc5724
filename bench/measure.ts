/** Small helpers shared by the benchmarks: timing, formatting, progress lines and running clients. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
export interface Measurement {
  name: string;
  messages: number;
  bytes: number;
  ms: number;
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = process.hrtime.bigint();
  const value = await fn();
  return { ms: Number(process.hrtime.bigint() - start) / 1e6, value };
}

export function rate(m: Measurement): { msgsPerSec: number; mbPerSec: number } {
  const seconds = m.ms / 1000;
  return { msgsPerSec: m.messages / seconds, mbPerSec: m.bytes / 1024 / 1024 / seconds };
}

export function formatRow(m: Measurement, baseline?: Measurement): string {
  const r = rate(m);
  const ratio = baseline ? ` ${((r.mbPerSec / rate(baseline).mbPerSec) * 100).toFixed(1).padStart(6)}% of ${baseline.name}` : '';
  return `${m.name.padEnd(28)} ${Math.round(r.msgsPerSec).toLocaleString('en-US').padStart(12)} msgs/s ${r.mbPerSec.toFixed(1).padStart(9)} MB/s  (${(m.ms / 1000).toFixed(2)} s)${ratio}`;
}

/** p-th percentile of an ascending array. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** [VmRSS, VmHWM] of a process in MiB (Linux /proc); [0, 0] once it is gone. */
export function processMemoryMb(pid: number): [number, number] {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0);
    return [kb('VmRSS') / 1024, kb('VmHWM') / 1024];
  } catch {
    return [0, 0];
  }
}

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on Linux). */
const TICKS_PER_SECOND = 100;

/** user + system CPU time in µs from a /proc stat line (fields 14 and 15, counted after the command name). */
function statCpuMicros(stat: string): number {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1_000_000) / TICKS_PER_SECOND;
}

/** user + system CPU time of a process, all its threads, in µs (/proc/<pid>/stat); 0 once it is gone. */
export function processCpuMicros(pid: number): number {
  try {
    return statCpuMicros(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return 0;
  }
}

/** user + system CPU time of each thread of a process, in µs, by thread id (/proc/<pid>/task/<tid>/stat). */
export function threadCpuMicros(pid: number): Map<number, number> {
  const threads = new Map<number, number>();
  try {
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try {
        threads.set(Number(tid), statCpuMicros(fs.readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8')));
      } catch {
        // the thread ended between the listing and the read
      }
    }
  } catch {
    // the process is gone
  }
  return threads;
}

/** Sum over processes of their RSS (0) or peak RSS (1), MiB. */
export const sumMemoryMb = (pids: number[], which: 0 | 1) => pids.reduce((sum, pid) => sum + processMemoryMb(pid)[which], 0);

export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}

/** Runs a command with stdin from a file and stdout into a file, so no pipe is read while the clock runs. */
export function runWithFiles(command: string, args: string[], stdinFile: string | null, stdoutFile: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const stdin = stdinFile ? fs.openSync(stdinFile, 'r') : 'ignore';
    const stdout = fs.openSync(stdoutFile, 'w');
    const child = spawn(command, args, { stdio: [stdin, stdout, 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (typeof stdin === 'number') fs.closeSync(stdin);
      fs.closeSync(stdout);
      resolve({ code, stderr });
    });
  });
}

export function countLines(file: string): number {
  const data = fs.readFileSync(file);
  let n = 0;
  for (let i = data.indexOf(10); i !== -1; i = data.indexOf(10, i + 1)) n++;
  return n;
}
