/** Small helpers shared by the benchmarks: timing, formatting and progress lines. */
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

export function progress(line: string): void {
  process.stderr.write(`[bench] ${line}\n`);
}
