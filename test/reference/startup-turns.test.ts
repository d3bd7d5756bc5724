/** Reference start-ups take turns: never two at once, and an abandoned turn is taken over. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { inStartupTurn } from '../../reference/startup-turns.ts';

function lockDir(): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'turns-')), 'lock');
}

describe('inStartupTurn', () => {
  it('runs concurrent start-ups one after the other and frees the turn after each', async () => {
    const dir = lockDir();
    let running = 0;
    let most = 0;
    const start = (ms: number) =>
      inStartupTurn(
        'test',
        async () => {
          running++;
          most = Math.max(most, running);
          await new Promise((r) => setTimeout(r, ms));
          running--;
          return ms;
        },
        { lockDir: dir },
      );
    expect(await Promise.all([start(300), start(100), start(50)])).toEqual([300, 100, 50]);
    expect(most).toBe(1);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('frees the turn when the start-up fails', async () => {
    const dir = lockDir();
    await expect(
      inStartupTurn(
        'test',
        async () => {
          throw new Error('no java');
        },
        { lockDir: dir },
      ),
    ).rejects.toThrow('no java');
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('takes over a turn whose owner is gone', async () => {
    const dir = lockDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'pid'), '999999999');
    const lines: string[] = [];
    const started = Date.now();
    expect(await inStartupTurn('test', async () => 'ran', { lockDir: dir, log: (l) => lines.push(l) })).toBe('ran');
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(lines[0]).toMatch(/waiting for another reference/);
  });

  it('waits for a live owner', async () => {
    const dir = lockDir();
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'pid'), String(process.pid));
    setTimeout(() => fs.rmSync(dir, { recursive: true, force: true }), 600);
    const started = Date.now();
    await inStartupTurn('test', async () => undefined, { lockDir: dir });
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
  });
});
