/**
 * The embedded stack's resident memory: its own process plus the child processes of its supervised parts
 * (Pinot), as the status line shows it and the pipeline bench measures it.
 */
import fs from 'node:fs';
import { residentBytes } from './status-line.ts';

/** A process's resident memory from /proc/<pid>/status (VmRSS), in bytes; 0 when it is gone or unreadable. */
export function processResidentBytes(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** This process and the given child processes together; undefined when this process's own cannot be read. */
export function stackResidentBytes(childPids: readonly (number | undefined)[]): number | undefined {
  const own = residentBytes();
  if (own === undefined) return undefined;
  return childPids.reduce<number>((sum, pid) => sum + (pid === undefined ? 0 : processResidentBytes(pid)), own);
}

/** The child processes of a process (every thread's /proc/<pid>/task/<tid>/children); [] when unreadable. */
export function childPids(pid: number): number[] {
  try {
    return fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((tid) => fs.readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number));
  } catch {
    return [];
  }
}

/** A process's command name (/proc/<pid>/comm); '' when it is gone. */
export function processName(pid: number): string {
  try {
    return fs.readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * A stack process's resident memory measured from outside, in bytes: it and its Node child processes
 * (the supervised parts), not the private MariaDB it may have started (a database of its own, as in
 * docker mode).
 */
export function stackTreeResidentBytes(pid: number): number {
  const parts = childPids(pid).filter((child) => processName(child) === 'node');
  return parts.reduce((sum, child) => sum + processResidentBytes(child), processResidentBytes(pid));
}
