/** The open-file limit (RLIMIT_NOFILE) of a process as /proc/<pid>/limits states it (Linux); undefined elsewhere. */
import fs from 'node:fs';

export interface OpenFileLimit {
  soft: number;
  hard: number;
}

/** "unlimited" is Infinity. */
export function openFileLimit(pid: number = process.pid): OpenFileLimit | undefined {
  let text: string;
  try {
    text = fs.readFileSync(`/proc/${pid}/limits`, 'utf8');
  } catch {
    return undefined;
  }
  const match = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!match) return undefined;
  const value = (s: string) => (s === 'unlimited' ? Infinity : Number(s));
  return { soft: value(match[1]!), hard: value(match[2]!) };
}
