/**
 * What every reference engine needs to get and run its jars: `mvn dependency:copy-dependencies` of one
 * pom into a cache folder (staged, then renamed, with a `.complete` marker so a half fetch never counts),
 * checks for java/mvn, and free loopback ports. Test and benchmark reference only.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import readline from 'node:readline';

const COMPLETE_MARKER = '.complete';

/** True when `command args` runs and exits 0 (e.g. `java -version`). */
export function hasCommand(command: string, args: string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore', timeout: 20_000 });
  return result.error === undefined && result.status === 0;
}

/** True when `libDir` holds a finished fetch. */
export function isFetched(libDir: string): boolean {
  return fs.existsSync(path.join(libDir, COMPLETE_MARKER));
}

/** One pom's value in `<name>…</name>` (a version property). */
export function pomProperty(pom: string, name: string): string {
  const match = new RegExp(`<${name.replace(/\./g, '\\.')}>([^<]+)</${name.replace(/\./g, '\\.')}>`).exec(fs.readFileSync(pom, 'utf8'));
  if (!match) throw new Error(`${pom} has no <${name}>`);
  return match[1]!;
}

export interface CopyDependencies {
  /** The pom whose runtime dependencies are copied. */
  pom: string;
  /** Where the jars end up (replaced whole once the fetch succeeded). */
  libDir: string;
  /** What is being fetched, for messages: "Apache Kafka 4.1.1". */
  label: string;
  log: (line: string) => void;
}

/**
 * Copies the pom's runtime dependencies into `libDir` unless already there; progress (one line per
 * downloaded jar) goes to `log`.
 * @throws with a one-line reason when Maven fails (no network, an artifact Maven Central does not serve)
 */
export async function copyDependencies({ pom, libDir, label, log }: CopyDependencies): Promise<string> {
  if (isFetched(libDir)) return libDir;
  if (!hasCommand('mvn', ['-v'])) throw new Error(`mvn is not installed and ${libDir} is not cached (install Maven: apt-get install maven)`);
  const staging = `${libDir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(libDir), { recursive: true });
  log(`fetching ${label} from Maven Central into ${libDir}`);
  const started = Date.now();
  const child = spawn('mvn', ['-B', '-f', pom, 'dependency:copy-dependencies', `-DoutputDirectory=${staging}`], {
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

/** `count` distinct free TCP ports on 127.0.0.1 (bound together, then released). */
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

/** The last lines of a log file ('' when it cannot be read). */
export function tailOf(file: string, lines = 15): string {
  try {
    return fs.readFileSync(file, 'utf8').trim().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
