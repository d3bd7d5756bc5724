/**
 * What the reference engines share: checking that a command exists, fetching a pom's runtime jars with
 * `mvn dependency:copy-dependencies` into a cache folder (staged, then renamed, with a marker file so a
 * half-finished fetch is never mistaken for a cache), and picking free loopback ports.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

/** The file that marks a lib folder as completely fetched. */
export const COMPLETE_MARKER = '.complete';

/** True when `command args…` runs and exits 0 (e.g. `java -version`). */
export function hasCommand(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return result.error === undefined && result.status === 0;
}

/** True when `libDir` holds a complete fetch. */
export function isFetched(libDir: string): boolean {
  return fs.existsSync(path.join(libDir, COMPLETE_MARKER));
}

/** One pom's value in `<name>…</name>` (a version property). */
export function pomProperty(pom: string, name: string): string {
  const match = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</${name.replace(/\./g, '\\.')}>`).exec(fs.readFileSync(pom, 'utf8'));
  if (!match) throw new Error(`${pom} has no <${name}>`);
  return match[1]!;
}

export interface CopyDependenciesOptions {
  /** The pom whose runtime dependencies are copied. */
  pom: string;
  /** Maven settings file (e.g. one whose only mirror is Maven Central); omitted: the user's own. */
  settings?: string;
  /** Where the jars end up. */
  libDir: string;
  /** What is fetched, for progress and error lines ("Apache Kafka 4.1.1"). */
  label: string;
  log: (line: string) => void;
}

/**
 * Copies the pom's runtime jars into `libDir` (staged next to it, renamed when complete) unless a
 * complete fetch is already there; resolves with `libDir`. One progress line per downloaded jar.
 * @throws with Maven's first ERROR line when the fetch fails, or when mvn is missing and nothing is cached
 */
export async function copyDependencies(options: CopyDependenciesOptions): Promise<string> {
  const { libDir, label, log } = options;
  if (isFetched(libDir)) return libDir;
  if (!hasCommand('mvn', ['-v'])) throw new Error(`mvn is not installed and ${libDir} is not cached (install Maven: apt-get install maven)`);
  const staging = `${libDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(libDir), { recursive: true });
  log(`fetching ${label} from Maven Central into ${libDir}`);
  const started = Date.now();
  const settings = options.settings === undefined ? [] : ['-s', options.settings];
  const child = spawn('mvn', ['-B', ...settings, '-f', options.pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  let jars = 0;
  const onLine = (line: string) => {
    tail.push(line);
    if (tail.length > 30) tail.shift();
    const jar = /Downloaded from \S+: \S*\/([^/]+\.jar) /.exec(line);
    if (jar) log(`  downloaded ${jar[1]} (${++jars})`);
  };
  readline.createInterface({ input: child.stdout! }).on('line', onLine);
  readline.createInterface({ input: child.stderr! }).on('line', onLine);
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) {
    fs.rmSync(staging, { recursive: true, force: true });
    const reason = tail.find((l) => /ERROR/.test(l)) ?? tail.at(-1) ?? `exit code ${code}`;
    throw new Error(`mvn could not fetch ${label}: ${reason.replace(/\x1b\[[0-9;]*m/g, '').trim()}`);
  }
  fs.writeFileSync(path.join(staging, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
  fs.rmSync(libDir, { recursive: true, force: true });
  fs.renameSync(staging, libDir);
  log(`fetched ${fs.readdirSync(libDir).filter((f) => f.endsWith('.jar')).length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return libDir;
}

/** `count` distinct ports that were free on 127.0.0.1 a moment ago. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: net.Server[] = [];
  try {
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
      servers.push(server);
    }
    return servers.map((s) => (s.address() as net.AddressInfo).port);
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

/** The last lines of a log file ('' if unreadable), for error messages. */
export function tailOf(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
