/**
 * Keeping secrets out of output: passwords and tokens from config never appear in logs, errors,
 * `--help` or the dashboard's /api/health. `redactor(config)` gives one function that every output
 * path of the external mode passes its text through.
 */
import type { AppConfig } from './index.ts';
import type { HttpAuth } from './endpoints.ts';
import { redactUrl } from './env.ts';

export { redactUrl } from './env.ts';

export const REDACTED = '***';

function authSecrets(auth: HttpAuth): string[] {
  if (auth.kind === 'basic') return [auth.password, Buffer.from(`${auth.user}:${auth.password}`).toString('base64')];
  if (auth.kind === 'bearer') return [auth.token];
  return [];
}

function urlPassword(url: string | undefined): string[] {
  if (!url) return [];
  try {
    const password = new URL(url).password;
    return password ? [decodeURIComponent(password), password] : [];
  } catch {
    return [];
  }
}

/** Every secret value config holds, with the encodings it may travel in (URL-encoded, base64 of user:password). */
export function secretsOf(config: AppConfig): string[] {
  const { endpoints } = config;
  const secrets = [
    config.kafka.security.sasl?.password,
    config.mysql.password,
    ...urlPassword(config.mysql.url),
    ...urlPassword(endpoints.connectMysqlUrl),
    ...[endpoints.connect, endpoints.debeziumConnect, endpoints.ksqldb, endpoints.pinotController, endpoints.pinotBroker].flatMap((e) => authSecrets(e.auth)),
  ].filter((s): s is string => typeof s === 'string' && s.length > 0);
  const withEncodings = secrets.flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);
  // Longest first, so a secret containing another is replaced whole.
  return [...new Set(withEncodings)].sort((a, b) => b.length - a.length);
}

/** `text` with every secret and every URL password replaced by ***. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = redactUrl(text);
  for (const secret of secrets) out = out.split(secret).join(REDACTED);
  return out;
}

/** A function redacting the secrets of `config` (and any URL password) from a line of output. */
export function redactor(config: AppConfig): (text: string) => string {
  const secrets = secretsOf(config);
  return (text) => redactSecrets(text, secrets);
}

/** Names of variables that hold a secret by their name: …PASSWORD, …TOKEN, …SECRET. */
const SECRET_NAME = /(PASSWORD|TOKEN|SECRET)$/;

/**
 * The secrets of an environment without parsing config (so it works when config itself is the
 * problem): every …PASSWORD / …TOKEN / …SECRET value and every password inside a URL-valued variable.
 */
export function envSecrets(env: Record<string, string | undefined>): string[] {
  const secrets: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue;
    if (SECRET_NAME.test(name)) secrets.push(value, value.trim());
    else if (/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*@/i.test(value)) secrets.push(...urlPassword(value.trim()));
  }
  const withEncodings = secrets.filter(Boolean).flatMap((s) => [s, encodeURIComponent(s), JSON.stringify(s).slice(1, -1)]);
  return [...new Set(withEncodings)].sort((a, b) => b.length - a.length);
}

/** `text` with the secrets of `env` (default process.env) and every URL password replaced by ***: for CLI error lines. */
export function redactEnv(text: string, env: Record<string, string | undefined> = process.env): string {
  return redactSecrets(text, envSecrets(env));
}
