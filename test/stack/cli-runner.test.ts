/** The CLI runner: one line per failure, exit 2 for usage errors and 1 otherwise, through the caller's redaction. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../support/kafka.ts';

const RUNNER = path.resolve('embedded/common/cli/runner.ts');
const ARGS = path.resolve('embedded/common/cli/args.ts');

function cli(body: string) {
  const script = `import { runCli } from '${RUNNER}'; import { CliUsageError } from '${ARGS}'; ${body}`;
  return run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], undefined, 60_000);
}

describe('runCli', () => {
  it('prints a failure as one line through the redaction and exits 1', async () => {
    const result = await cli(
      `runCli('demo', async () => { throw new Error('cannot reach http://u:hunter2@db:1 (password hunter2)'); }, (line) => line.replaceAll('hunter2', '***'));`,
    );
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe('demo: cannot reach http://u:***@db:1 (password ***)');
  });

  it('exits 2 for a usage error, redacted too', async () => {
    const result = await cli(`runCli('demo', async () => { throw new CliUsageError('bad --token hunter2'); }, (line) => line.replaceAll('hunter2', '***'));`);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe('demo: bad --token ***');
  });
});
