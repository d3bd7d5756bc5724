/** Shared readers for the artifact tests: the repo root, docker-compose.yml parsed and interpolated. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function repoPath(...parts: string[]): string {
  return path.join(ROOT, ...parts);
}

export function readRepoFile(...parts: string[]): string {
  return readFileSync(repoPath(...parts), 'utf8');
}

export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  profiles?: string[];
  hostname?: string;
  container_name?: string;
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: string | number; host_ip?: string })[];
  volumes?: (string | { type?: string; source?: string; target: string })[];
  depends_on?: string[] | Record<string, { condition?: string }>;
  healthcheck?: { test?: string | string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
  restart?: string;
  tty?: boolean;
}

export interface ComposeFile {
  name?: string;
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
}

/**
 * Compose's variable interpolation for the forms this file uses: `${VAR}`, `${VAR:-default}`,
 * `${VAR-default}`, and `$$` for a literal `$`. Applied to every string value after parsing, as compose does.
 */
export function interpolate(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?-)([^}]*))?\}/g, (match, name?: string, op?: string, fallback?: string) => {
    if (match === '$$') return '$';
    const current = env[name!];
    if (op === ':-') return current === undefined || current === '' ? fallback! : current;
    if (op === '-') return current === undefined ? fallback! : current;
    return current ?? '';
  });
}

function interpolateDeep(value: unknown, env: Record<string, string | undefined>): unknown {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateDeep(item, env));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateDeep(v, env)]));
  }
  return value;
}

/** docker-compose.yml parsed (merge keys on, as compose does) and interpolated with `env` (default: none set). */
export function loadCompose(env: Record<string, string | undefined> = {}): ComposeFile {
  const raw = parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
  return interpolateDeep(raw, env) as ComposeFile;
}

/** A service's environment as a string map (list and map forms). */
export function serviceEnv(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(
      env.map((entry) => {
        const eq = entry.indexOf('=');
        return eq === -1 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
      }),
    );
  }
  return Object.fromEntries(
    Object.entries(env)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, String(v)]),
  );
}

export interface PublishedPort {
  hostIp: string | undefined;
  hostPort: number;
  containerPort: number;
}

/** Published ports in short ("[ip:]host:container") or long syntax. */
export function publishedPorts(service: ComposeService): PublishedPort[] {
  return (service.ports ?? []).map((port) => {
    if (typeof port !== 'string') {
      return { hostIp: port.host_ip, hostPort: Number(port.published), containerPort: port.target };
    }
    const parts = port.replace(/\/(tcp|udp)$/, '').split(':');
    if (parts.length === 3) return { hostIp: parts[0], hostPort: Number(parts[1]), containerPort: Number(parts[2]) };
    if (parts.length === 2) return { hostIp: undefined, hostPort: Number(parts[0]), containerPort: Number(parts[1]) };
    throw new Error(`unsupported port syntax: ${port}`);
  });
}

/** Bind mounts as [host path relative to the repo, container path]; named volumes as [name, path]. */
export function mounts(service: ComposeService): { source: string; target: string; bind: boolean }[] {
  return (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') {
      return { source: volume.source ?? '', target: volume.target, bind: volume.type === 'bind' };
    }
    const [source, target] = volume.split(':');
    return { source: source!, target: target!, bind: source!.startsWith('.') || source!.startsWith('/') };
  });
}

export function dependsOn(service: ComposeService): Record<string, string> {
  const deps = service.depends_on ?? {};
  if (Array.isArray(deps)) return Object.fromEntries(deps.map((name) => [name, 'service_started']));
  return Object.fromEntries(Object.entries(deps).map(([name, spec]) => [name, spec.condition ?? 'service_started']));
}

/** A command/entrypoint as one string (for substring checks). */
export function commandText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(' ') : (value ?? '');
}
