/**
 * What the shell does with each statement, as ksqlDB's CLI decides it: SET and UNSET change the
 * session's properties on the client, DEFINE and UNDEFINE its variables (SHOW VARIABLES lists them); SELECT runs as a query whose rows stream back; PRINT streams a
 * topic; RUN SCRIPT runs a file's statements; everything else goes to the server's /ksql endpoint.
 * The shell's own commands (help, exit, history, ...) need no `;` and are typed alone on a line.
 */
import { unquote, withoutComments } from './statement-text.ts';

export type ShellStatement =
  | { kind: 'set'; name: string; value: string }
  | { kind: 'unset'; name: string }
  | { kind: 'define'; name: string; value: string }
  | { kind: 'undefine'; name: string }
  | { kind: 'listVariables' }
  | { kind: 'query'; text: string }
  | { kind: 'print'; text: string }
  | { kind: 'runScript'; path: string }
  | { kind: 'server'; text: string };

export type ShellCommand = { kind: 'help' | 'exit' | 'history' | 'clear' | 'version' } | { kind: 'runScript'; path: string };

const LITERAL = "'((?:[^']|'')*)'";
const SET = new RegExp(`^SET\\s+${LITERAL}\\s*=\\s*${LITERAL}\\s*;?$`, 'is');
const UNSET = new RegExp(`^UNSET\\s+${LITERAL}\\s*;?$`, 'is');
const DEFINE = new RegExp(`^DEFINE\\s+([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*${LITERAL}\\s*;?$`, 'is');
const UNDEFINE = /^UNDEFINE\s+([A-Za-z_][A-Za-z0-9_]*)\s*;?$/is;
const LIST_VARIABLES = /^(?:SHOW|LIST)\s+VARIABLES\s*;?$/is;
const RUN_SCRIPT = new RegExp(`^RUN\\s+SCRIPT\\s+(?:${LITERAL}|([^\\s;']+))\\s*;?$`, 'is');

/** How the shell runs one complete statement (its text ends in `;`). */
export function classifyStatement(statement: string): ShellStatement {
  const bare = withoutComments(statement);
  const set = SET.exec(bare);
  if (set) return { kind: 'set', name: unquote(set[1]!), value: unquote(set[2]!) };
  const unset = UNSET.exec(bare);
  if (unset) return { kind: 'unset', name: unquote(unset[1]!) };
  const define = DEFINE.exec(bare);
  if (define) return { kind: 'define', name: define[1]!, value: unquote(define[2]!) };
  const undefine = UNDEFINE.exec(bare);
  if (undefine) return { kind: 'undefine', name: undefine[1]! };
  if (LIST_VARIABLES.test(bare)) return { kind: 'listVariables' };
  const script = RUN_SCRIPT.exec(bare);
  if (script) return { kind: 'runScript', path: script[1] !== undefined ? unquote(script[1]) : script[2]! };
  if (/^SELECT\b/i.test(bare)) return { kind: 'query', text: statement };
  if (/^PRINT\b/i.test(bare)) return { kind: 'print', text: statement };
  return { kind: 'server', text: statement };
}

const NAMED_COMMANDS = new Set(['help', 'exit', 'quit', 'history', 'clear', 'version']);

/** The shell command a line holds by itself (a trailing `;` is allowed), or undefined. */
export function shellCommandOf(line: string): ShellCommand | undefined {
  const bare = withoutComments(line).replace(/;\s*$/, '').trim();
  const word = bare.toLowerCase();
  if (NAMED_COMMANDS.has(word)) return { kind: word === 'quit' ? 'exit' : word } as ShellCommand;
  const script = RUN_SCRIPT.exec(bare);
  if (script) return { kind: 'runScript', path: script[1] !== undefined ? unquote(script[1]) : script[2]! };
  return undefined;
}
