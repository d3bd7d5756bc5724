/** Typed readers for environment overrides. Every failure names the variable and what it wants. */

/** A bad environment variable; `usage`: CLIs exit 2 with its message (embedded/common/cli/args.ts). */
export class ConfigError extends Error {
  readonly usage = true;
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    super(`config: ${variable} ${detail}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** The trimmed value of `name`, or undefined when it is unset or blank. */
export function envOptional(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

const raw = envOptional;

/**
 * A URL's password (mysql://user:pass@host, https://user:pass@host) replaced by ***; the user stays. For
 * messages quoting a value. The placeholder of a usage hint (`mysql://user:password@host:port`) stays.
 */
export function redactUrl(text: string): string {
  return text.replace(/\/\/([^:@/\s]*):([^@/\s]*)@/g, (whole, user: string, password: string) =>
    user === 'user' && password === 'password' ? whole : `//${user}:***@`,
  );
}

export function envString(env: Env, name: string, fallback: string): string {
  return raw(env, name) ?? fallback;
}

export function envInt(env: Env, name: string, fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  if (!/^-?\d+$/.test(text)) throw new ConfigError(name, `must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw new ConfigError(name, `must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function envPort(env: Env, name: string, fallback: number): number {
  return envInt(env, name, fallback, 1, 65535);
}

export function envFraction(env: Env, name: string, fallback: number): number {
  const text = raw(env, name);
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new ConfigError(name, `must be a number from 0 to 1, got "${text}"`);
  }
  return value;
}

export function envTopic(env: Env, name: string, fallback: string): string {
  const value = envString(env, name, fallback);
  if (!/^[a-zA-Z0-9._-]{1,249}$/.test(value) || value === '.' || value === '..') {
    throw new ConfigError(name, `must be a Kafka topic name (letters, digits, '.', '_', '-'), got "${value}"`);
  }
  return value;
}

/** A comma-separated host:port list such as "127.0.0.1:9092,127.0.0.1:9093". */
export function envHostPorts(env: Env, name: string, fallback: string): string[] {
  const text = envString(env, name, fallback);
  const entries = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new ConfigError(name, 'must list at least one host:port');
  for (const entry of entries) {
    const match = /^([^\s:]+):(\d+)$/.exec(entry);
    if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
      throw new ConfigError(name, `must be host:port[,host:port...], got "${entry}"`);
    }
  }
  return entries;
}

export function envChoice<T extends string>(env: Env, name: string, fallback: T, choices: readonly T[]): T {
  const value = envString(env, name, fallback);
  if (!(choices as readonly string[]).includes(value)) {
    throw new ConfigError(name, `must be one of ${choices.join(', ')}, got "${value}"`);
  }
  return value as T;
}

/** A comma-separated list; blank entries are dropped, so "a,,b" and "a," are fine (compose files append to lists). */
export function envList(env: Env, name: string, check: (entry: string) => boolean, what: string): string[] {
  const entries = (raw(env, name) ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const entry of entries) {
    if (!check(entry)) throw new ConfigError(name, `must be a comma-separated list of ${what}, got "${entry}"`);
  }
  return entries;
}
