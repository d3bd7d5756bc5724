/** DuckDB's memory limit and threads reach the database behind the embedded Pinot. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PinotDb } from '../../embedded/pinot/db.ts';

async function setting(db: PinotDb, name: string): Promise<string> {
  const reader = await db.read(`SELECT current_setting('${name}')`);
  return String(reader.getRows()[0]![0]);
}

describe('PinotDb storage limits', () => {
  it('applies memory_limit and threads when given, DuckDB defaults otherwise', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pinot-limits-'));
    const limited = await PinotDb.open(path.join(dir, 'a'), { memoryLimitMb: 96, threads: 1 });
    expect(await setting(limited, 'threads')).toBe('1');
    // DuckDB reports the limit in its own units (MiB of 1024^2 bytes): 96 MB = 91.5 MiB
    expect(await setting(limited, 'memory_limit')).toMatch(/^9\d(\.\d+)? MiB$/);
    await limited.close();

    const plain = await PinotDb.open(path.join(dir, 'b'));
    expect(await setting(plain, 'threads')).toBe(String(os.availableParallelism()));
    expect(await setting(plain, 'memory_limit')).toMatch(/GiB$/);
    await plain.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
