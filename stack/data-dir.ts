/**
 * The data directory, created before any part of the stack touches it. Node's `mkdirSync(…, { recursive:
 * true })` never returns when the system answers ENOENT for a parent that exists (`/proc/x`: it retries
 * the parent forever at 100% CPU), and every part creates its folders that way; so the stack creates
 * DATA_DIR one level at a time here, where each failure is an error naming the directory and the cause.
 */
import fs from 'node:fs';
import path from 'node:path';

export class DataDirError extends Error {
  override name = 'DataDirError';
}

/** Creates `dir` and its missing parents, then checks it is a writable directory; `label` names it in errors. */
export function prepareDataDir(dir: string, label = `DATA_DIR=${dir}`): void {
  const absolute = path.resolve(dir);
  const fail = (what: string, error?: unknown): never => {
    const cause = error === undefined ? '' : `: ${describe(error)}`;
    throw new DataDirError(`${label} cannot be used: ${what}${cause}`);
  };
  const missing: string[] = [];
  let existing = absolute;
  while (!fs.existsSync(existing)) {
    missing.unshift(existing);
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  if (!fs.statSync(existing).isDirectory()) fail(`${existing} is not a directory`);
  for (const level of missing) {
    try {
      fs.mkdirSync(level);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST' && fs.statSync(level).isDirectory()) continue;
      fail(`cannot create ${level}`, error);
    }
  }
  try {
    fs.accessSync(absolute, fs.constants.W_OK | fs.constants.X_OK);
  } catch (error) {
    fail(`${absolute} is not writable`, error);
  }
}

function describe(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  const message = String(e.message ?? error)
    .replace(/^[A-Z]+: /, '')
    .replace(/, \w+ '.*'$/, '');
  return e.code ? `${e.code} (${message})` : message;
}
