/**
 * The shell's history: what was typed, one entry per statement (a statement typed over several lines
 * is one entry, its lines joined by spaces), newest first, kept in a file between sessions (one entry
 * a line, oldest first, readable only by its owner: statements can hold connector passwords).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class ShellHistory {
  /** Newest first; the line editor reads this array (up arrow). */
  readonly entries: string[];
  private warned = false;

  private constructor(
    private readonly file: string | undefined,
    private readonly size: number,
    entries: string[],
    private readonly warn: (line: string) => void,
  ) {
    this.entries = entries;
  }

  /** The history kept in `file` (none yet: empty); `file` undefined keeps it for this session only. */
  static load(file: string | undefined, size: number, warn: (line: string) => void): ShellHistory {
    let entries: string[] = [];
    if (file && size > 0) {
      try {
        entries = readFileSync(file, 'utf8')
          .split('\n')
          .filter((l) => l.trim() !== '')
          .reverse()
          .slice(0, size);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') warn(`history: cannot read ${file} (${(error as Error).message}); starting without it`);
      }
    }
    return new ShellHistory(file, size, entries, warn);
  }

  /** Adds an entry (not when it repeats the newest) and saves the file. */
  add(entry: string): void {
    const line = entry.replace(/\s*\r?\n\s*/g, ' ').trim();
    if (line === '' || this.size === 0 || this.entries[0] === line) return;
    this.entries.unshift(line);
    this.entries.splice(this.size);
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    try {
      mkdirSync(path.dirname(this.file), { recursive: true });
      writeFileSync(this.file, `${[...this.entries].reverse().join('\n')}\n`, { mode: 0o600 });
    } catch (error) {
      if (this.warned) return;
      this.warned = true;
      this.warn(`history: cannot write ${this.file} (${(error as Error).message}); set KSQL_HISTORY_FILE to a writable file`);
    }
  }
}
