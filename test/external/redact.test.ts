/** Secrets stay out of output: URL passwords, config's passwords and tokens, in every encoding they travel in. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.ts';
import { envSecrets, redactEnv, redactor, redactUrl, secretsOf } from '../../config/redact.ts';

describe('redaction', () => {
  it("hides a URL's password and keeps the rest", () => {
    expect(redactUrl('mysql://app:s3cret@db:3306/demo')).toBe('mysql://app:***@db:3306/demo');
    expect(redactUrl('see https://k:v@host/x and mysql://u:p@h')).toBe('see https://k:***@host/x and mysql://u:***@h');
    expect(redactUrl('http://host:8088/info')).toBe('http://host:8088/info');
    expect(redactUrl('htp//u:pw@h')).toBe('htp//u:***@h');
    // The placeholder of a usage hint is not a secret.
    expect(redactUrl('set MYSQL_URL=mysql://user:password@host:port')).toBe('set MYSQL_URL=mysql://user:password@host:port');
  });

  it('hides every secret of config, URL-encoded and base64 (an Authorization header) too', () => {
    const config = loadConfig({
      KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT',
      KAFKA_SASL_USERNAME: 'u',
      KAFKA_SASL_PASSWORD: 'kafka/pw',
      KSQLDB_BASIC_AUTH_USER: 'key',
      KSQLDB_BASIC_AUTH_PASSWORD: 'ksql-pw',
      PINOT_AUTH_TOKEN: 'pinot-token',
      CONNECT_URL: 'https://c:connect-pw@connect.example',
      MYSQL_URL: 'mysql://root:mysql-pw@db:3306',
    });
    const secrets = secretsOf(config);
    for (const s of ['kafka/pw', 'kafka%2Fpw', 'ksql-pw', Buffer.from('key:ksql-pw').toString('base64'), 'pinot-token', 'connect-pw', 'mysql-pw']) {
      expect(secrets).toContain(s);
    }
    const redact = redactor(config);
    const text =
      'a kafka/pw b kafka%2Fpw c ksql-pw d Basic ' + Buffer.from('key:ksql-pw').toString('base64') + ' e Bearer pinot-token f mysql://root:mysql-pw@db';
    const out = redact(text);
    for (const s of ['kafka/pw', 'kafka%2Fpw', 'ksql-pw', 'pinot-token', 'mysql-pw', Buffer.from('key:ksql-pw').toString('base64')])
      expect(out).not.toContain(s);
    expect(out).toContain('Bearer ***');
  });

  it('finds secrets in a raw environment even when config would not load', () => {
    const env = { KSQLDB_BASIC_AUTH_PASSWORD: 'pw-1', PINOT_AUTH_TOKEN: 'tok-2', MYSQL_URL: 'mariadb://u:pw-3@db', KAFKA_PORT: 'not a number' };
    expect(() => loadConfig(env)).toThrow();
    expect(envSecrets(env)).toEqual(expect.arrayContaining(['pw-1', 'tok-2', 'pw-3']));
    expect(redactEnv('pw-1 tok-2 pw-3', env)).toBe('*** *** ***');
  });
});
