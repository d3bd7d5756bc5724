import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs } from '../../embedded/common/cli/args.ts';

describe('the shared CLI parser', () => {
  const spec = { port: 'port', count: 'int', rate: 'number', name: 'string', verbose: 'boolean', help: 'boolean' } as const;

  it('parses every kind, = and space forms, aliases and positionals', () => {
    const args = parseCliArgs(['run', '--port', '0', '--count=3', '--rate', '2.5', '--name', 'x', '-v', '--', '--not-a-flag'], spec, { v: 'verbose' });
    expect(args).toEqual({ positional: ['run', '--not-a-flag'], flags: { port: 0, count: 3, rate: 2.5, name: 'x', verbose: true } });
  });

  it('refuses unknown flags, missing and bad values, and ports out of range', () => {
    for (const argv of [
      ['--nope'],
      ['--name'],
      ['--count', '-1'],
      ['--count', '1.5'],
      ['--rate', 'fast'],
      ['--port', '65536'],
      ['--port', '80.5'],
      ['--verbose=yes'],
    ]) {
      expect(() => parseCliArgs(argv, spec), argv.join(' ')).toThrow(CliUsageError);
    }
    expect(parseCliArgs(['--port', '65535'], spec).flags.port).toBe(65535);
  });
});
