/**
 * The interactive shell on a terminal, with Node's readline for line editing and history (up and down
 * arrows). Lines gather until the statement's `;` (prompt `ksql> `, then `>` for more lines); the
 * shell's own commands (help, exit, history, ...) need none. While statements run, the terminal is
 * out of raw mode so Ctrl-C is a signal that ends the running query only; at the prompt Ctrl-C clears
 * the line and Ctrl-D (or `exit`) leaves.
 */
import readline from 'node:readline';
import type { ShellHistory } from './history.ts';
import type { KsqlShell, ShellOutput } from './shell.ts';
import { shellCommandOf, type ShellCommand } from './shell-statements.ts';
import { splitStatements } from './statement-text.ts';

const PROMPT = 'ksql> ';
const MORE = '>';

export const SHELL_HELP = `
The shell sends each statement to ksqlDB once its ';' is typed; a statement may span several lines
and hold ';' inside quotes. SELECT runs as a query: its rows are printed as they arrive, and a push
query (EMIT CHANGES) runs until Ctrl-C, which ends the query but not the shell.

  SET 'auto.offset.reset'='earliest';   a property for this session's statements and queries
  UNSET 'auto.offset.reset';            forget it again
  DEFINE page = 'home';                 a variable, written \${page} in later statements
  UNDEFINE page;  SHOW VARIABLES;       forget one, list them
  RUN SCRIPT '/path/to/file.sql';       run the statements of a file

Commands of the shell itself, typed alone on a line:
  help       this text
  history    what was typed before (also the up and down arrows)
  clear      clear the screen
  version    the server's version
  exit       leave the shell (also Ctrl-D)
`;

interface ReadlineState {
  line: string;
  cursor: number;
  history: string[];
}

/** Runs the shell on the terminal until exit or Ctrl-D. */
export function runInteractive(shell: KsqlShell, history: ShellHistory, output: ShellOutput, version: () => Promise<string>): Promise<void> {
  const input = process.stdin;
  // line editing needs a terminal on both sides; with output to a pipe, lines are read as they come
  const rl = readline.createInterface({ input, output: process.stdout, terminal: process.stdout.isTTY === true, historySize: 0, prompt: PROMPT, tabSize: 4 });
  // readline keeps no history of its own (historySize 0) and walks this array on the arrows
  (rl as unknown as ReadlineState).history = history.entries;
  let buffered: string[] = [];
  const queue: string[] = [];
  let busy = false;
  let closed = false;

  /** While statements run: no line editing, and Ctrl-C reaches the process as SIGINT. */
  const running = async <T>(work: () => Promise<T>): Promise<T> => {
    const raw = input.isTTY && input.isRaw;
    rl.pause();
    if (raw) input.setRawMode(false);
    try {
      return await work();
    } finally {
      if (raw && !closed) input.setRawMode(true);
      if (!closed) rl.resume();
    }
  };

  const command = async (c: ShellCommand): Promise<void> => {
    switch (c.kind) {
      case 'help':
        for (const line of SHELL_HELP.split('\n').slice(1, -1)) output.out(line);
        return;
      case 'history':
        [...history.entries].reverse().forEach((entry, i) => output.out(`${String(i + 1).padStart(4)}: ${entry}`));
        return;
      case 'clear':
        readline.cursorTo(process.stdout, 0, 0);
        readline.clearScreenDown(process.stdout);
        return;
      case 'version':
        output.out(await running(version).catch((error: Error) => `unknown (${error.message})`));
        return;
      case 'exit':
        rl.close();
        return;
      case 'runScript':
        await running(() => shell.runScript(c.path));
    }
  };

  const handleLine = async (line: string): Promise<void> => {
    const c = buffered.length === 0 ? shellCommandOf(line) : undefined;
    if (c) {
      history.add(line);
      await command(c);
      return;
    }
    buffered.push(line);
    const text = buffered.join('\n');
    const split = splitStatements(text);
    if (!split.restIsBlank) return;
    buffered = [];
    if (split.statements.length === 0) return;
    history.add(text);
    await running(() => shell.runStatements(split.statements));
  };

  const drain = async (): Promise<void> => {
    if (busy) return;
    busy = true;
    while (queue.length > 0 && !closed) await handleLine(queue.shift()!);
    busy = false;
    if (closed) return;
    rl.setPrompt(buffered.length === 0 ? PROMPT : MORE);
    rl.prompt();
  };

  return new Promise((resolve) => {
    rl.on('line', (line) => {
      queue.push(line);
      void drain();
    });
    rl.on('SIGINT', () => {
      // Ctrl-C at the prompt: drop what was typed of the statement and start again
      process.stdout.write('^C\n');
      buffered = [];
      const state = rl as unknown as ReadlineState;
      state.line = '';
      state.cursor = 0;
      rl.setPrompt(PROMPT);
      rl.prompt();
    });
    rl.on('close', () => {
      closed = true;
      output.out('Exiting the ksql shell.');
      resolve();
    });
    rl.prompt();
  });
}
