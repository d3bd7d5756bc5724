/**
 * Our ksqlDB and Connect as services of their own next to a cluster with SASL: Connect takes
 * KAFKA_SECURITY_PROTOCOL / KAFKA_SASL_* (proven against real Kafka by npm run e2e:reference); ksqlDB,
 * whose fetch connections speak PLAINTEXT only, refuses them at once with one line naming the fix.
 */
import { describe, expect, it } from 'vitest';
import { cli } from './cli.ts';

const SASL = { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_USERNAME: 'analytics', KAFKA_SASL_PASSWORD: 'cli-secret-91' };

describe('server CLIs and Kafka security', () => {
  it('ksqlDB refuses a SASL protocol with one line naming the fix, before touching Kafka', async () => {
    const result = await cli('embedded/ksqldb/cli.ts', ['--port', '0', '--bootstrap', '127.0.0.1:1'], SASL);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('KAFKA_SECURITY_PROTOCOL is SASL_PLAINTEXT, but the embedded ksqlDB reads Kafka over PLAINTEXT only');
    expect(result.stderr).toContain('--bootstrap');
    expect(result.stderr).not.toContain('cli-secret-91');
  });

  it('Connect names TLS and SASL in its help', async () => {
    const result = await cli('embedded/connect/cli.ts', ['--help'], {});
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('$KAFKA_SECURITY_PROTOCOL, $KAFKA_SASL_*, $KAFKA_SSL_*');
  });
});
