/** One embedded stack on free ports, with its own database on the run's MariaDB, for the security and bad-input suites. */
import fs from 'node:fs';
import { inject } from 'vitest';
import { loadConfig, type AppConfig } from '../../config/index.ts';
import { startEmbeddedStack, type EmbeddedStack } from '../../stack/embedded-stack.ts';
import { tempDir } from '../support/kafka.ts';
import { createTestDatabase } from '../support/mariadb.ts';

export async function startStack(label: string, env: Record<string, string> = {}): Promise<{ stack: EmbeddedStack; config: AppConfig }> {
  const db = await createTestDatabase(inject('mysqlUrl'), label);
  const config = loadConfig({ MYSQL_URL: inject('mysqlUrl'), MYSQL_DATABASE: db.name, DASHBOARD_POLL_MS: '500', ...env });
  const stack = await startEmbeddedStack({ config, dataDir: tempDir(`stack-${label}`), freePorts: true });
  return { stack, config };
}

/** The TCP sockets in LISTEN state owned by this process: local address and port (IPv4 and IPv6). */
export function ownListeners(pid: number | 'self' = 'self'): { address: string; port: number }[] {
  const inodes = new Set<string>();
  for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return listeners()
    .filter((l) => inodes.has(l.inode))
    .map(({ address, port }) => ({ address, port }));
}

/** Every LISTEN socket of the machine's network namespace, from /proc/net/tcp{,6}. */
export function listeners(): { address: string; port: number; inode: string }[] {
  const out: { address: string; port: number; inode: string }[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(file)) continue;
    for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue;
      const [hexAddr, hexPort] = cols[1]!.split(':') as [string, string];
      out.push({ address: decodeAddress(hexAddr), port: parseInt(hexPort, 16), inode: cols[9]! });
    }
  }
  return out;
}

function decodeAddress(hex: string): string {
  if (hex.length === 8) return [3, 2, 1, 0].map((i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16)).join('.');
  // IPv6: four little-endian 32-bit words.
  const words = Array.from({ length: 4 }, (_, w) =>
    hex
      .slice(w * 8, w * 8 + 8)
      .match(/../g)!
      .reverse()
      .join(''),
  );
  const full = words
    .join('')
    .match(/.{4}/g)!
    .map((g) => g.replace(/^0+(?=.)/, ''));
  const text = full.join(':');
  if (text === '0:0:0:0:0:0:0:0') return '::';
  if (text === '0:0:0:0:0:0:0:1') return '::1';
  if (/^0:0:0:0:0:ffff:/.test(text)) {
    const [a, b] = full.slice(6).map((g) => parseInt(g, 16));
    return `::ffff:${a! >> 8}.${a! & 255}.${b! >> 8}.${b! & 255}`;
  }
  return text;
}
