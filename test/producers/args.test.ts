import { describe, expect, it } from 'vitest';
import { DEFAULT_COUNTS, USAGE, parseArgs } from '../../producers/args.ts';
import { UsageError } from '../../producers/errors.ts';

function fails(argv: string[]): string {
  try {
    parseArgs(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`expected ${argv.join(' ')} to fail`);
}

describe('parseArgs', () => {
  it('parses every command with defaults', () => {
    for (const command of ['users', 'pageviews', 'sessions', 'all'] as const) {
      expect(parseArgs([command])).toEqual({
        help: false,
        command,
        count: DEFAULT_COUNTS[command],
        rate: undefined,
        seed: undefined,
        nullRate: undefined,
        baseTime: undefined,
      });
    }
  });

  it('parses flags in both spellings', () => {
    expect(parseArgs(['users', '--count', '500', '--rate', '100/s', '--seed', '7', '--null-rate=0.25'])).toEqual({
      help: false,
      command: 'users',
      count: 500,
      rate: 100,
      seed: 7,
      nullRate: 0.25,
      baseTime: undefined,
    });
    expect(parseArgs(['--count=0', 'pageviews', '--rate=0', '--base-time', '1700000000000'])).toMatchObject({
      command: 'pageviews',
      count: 0,
      rate: 0,
      baseTime: 1_700_000_000_000,
    });
    expect(parseArgs(['sessions', '--base-time', '2024-01-01T00:00:00Z'])).toMatchObject({ baseTime: Date.UTC(2024, 0, 1) });
  });

  it('answers --help / -h anywhere', () => {
    expect(parseArgs(['--help'])).toEqual({ help: true });
    expect(parseArgs(['users', '-h', '--bogus'])).toEqual({ help: true });
    expect(USAGE).toContain('--seed');
    expect(USAGE).toContain('--base-time');
  });

  it('rejects bad input with one-line messages', () => {
    const cases: Array<[string[], RegExp]> = [
      [[], /missing command/],
      [['bogus'], /unknown command "bogus"/],
      [['users', 'sessions'], /unexpected argument "sessions"/],
      [['users', '--bogus'], /unknown option --bogus/],
      [['users', '-x'], /unknown option -x/],
      [['users', '--count'], /--count needs a value/],
      [['users', '--count', '--seed', '1'], /--count needs a value/],
      [['users', '--count', 'ten'], /--count must be a whole number/],
      [['users', '--count', '-5'], /--count must be a whole number/],
      [['users', '--count', '1.5'], /--count must be a whole number/],
      [['users', '--count', '0'], /users needs a count > 0/],
      [['all', '--count', '0'], /all needs a count > 0/],
      [['users', '--rate', 'fast'], /--rate must be a number of records per second/],
      [['users', '--rate', '-3'], /--rate must be/],
      [['users', '--seed', 'abc'], /--seed must be a whole number/],
      [['users', '--null-rate', '1.5'], /--null-rate must be a number from 0 to 1/],
      [['users', '--null-rate', '-0.1'], /--null-rate must be a number from 0 to 1/],
      [['users', '--null-rate', 'x'], /--null-rate must be/],
      [['users', '--null-rate='], /--null-rate must be/],
      [['pageviews', '--null-rate', '0.1'], /--null-rate applies to users and all/],
      [['users', '--base-time', '0'], /--base-time applies to/],
      [['sessions', '--base-time', 'yesterday'], /--base-time must be/],
      [['users', '--seed', '1', '--seed', '2'], /--seed given twice/],
    ];
    for (const [argv, pattern] of cases) {
      const message = fails(argv);
      expect(message, argv.join(' ')).toMatch(pattern);
      expect(message).not.toContain('\n');
    }
  });
});
