/** A small, strict argument parser shared by the stack's CLIs: unknown flags and bad values are errors. */

/**
 * An error in what the user typed or set (a flag, an environment variable, a scenario name): a CLI exits 2
 * with its one-line message. Other layers mark their own such errors with `usage = true` (ConfigError,
 * UnknownScenarioError) rather than importing this class.
 */
export interface UsageError extends Error {
  readonly usage: true;
}

export function isUsageError(error: unknown): error is UsageError {
  return error instanceof Error && (error as Partial<UsageError>).usage === true;
}

export class CliUsageError extends Error implements UsageError {
  override name = 'CliUsageError';
  readonly usage = true;
}

export type FlagKind = 'string' | 'int' | 'port' | 'number' | 'boolean';
export type FlagValue = string | number | boolean;

export interface ParsedArgs {
  positional: string[];
  flags: Record<string, FlagValue | undefined>;
}

export function parseCliArgs(argv: string[], spec: Record<string, FlagKind>, aliases: Record<string, string> = {}): ParsedArgs {
  const flags: Record<string, FlagValue | undefined> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positional.push(arg);
      continue;
    }
    const match = /^--?([^=]+)(?:=(.*))?$/.exec(arg)!;
    const name = aliases[match[1]] ?? match[1];
    const kind = spec[name];
    if (!kind) throw new CliUsageError(`unknown option "${arg}"; see --help`);
    if (kind === 'boolean') {
      if (match[2] !== undefined) throw new CliUsageError(`option --${name} takes no value`);
      flags[name] = true;
      continue;
    }
    const text = match[2] ?? argv[++i];
    if (text === undefined) throw new CliUsageError(`option --${name} needs a value`);
    flags[name] = parseValue(name, kind, text);
  }
  return { positional, flags };
}

function parseValue(name: string, kind: FlagKind, text: string): FlagValue {
  if (kind === 'string') return text;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) throw new CliUsageError(`option --${name} must be a number, got "${text}"`);
  if (kind === 'int' && (!Number.isInteger(value) || value < 0)) {
    throw new CliUsageError(`option --${name} must be a whole number >= 0, got "${text}"`);
  }
  if (kind === 'port' && (!Number.isInteger(value) || value < 0 || value > 65535)) {
    throw new CliUsageError(`option --${name} must be a port number 0-65535 (0 = any free port), got "${text}"`);
  }
  return value;
}
