/**
 * One shell session against a ksqlDB server: runs statements the way ksqlDB's CLI does and prints
 * their answers. The session's properties (SET / UNSET) and variables (DEFINE / UNDEFINE, substituted
 * for ${name} by the server) stay on the client and go with every request;
 * consecutive server statements go to /ksql together; a query's rows are printed as they arrive until
 * the query ends, a Ctrl-C (only that query ends; the session goes on), the row limit or the time limit.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KsqlDbUnauthorisedError, KsqlDbUnreachableError } from '../verify-ksqldb.ts';
import { failedCommand, renderEntityList } from './entities.ts';
import { rowCells } from './json-cells.ts';
import { KsqlStatementError, type KsqlRestClient, type SessionSettings } from './rest-client.ts';
import { classifyStatement, type ShellStatement } from './shell-statements.ts';
import { splitStatements } from './statement-text.ts';
import { cellWidth, renderQueryHeader, renderQueryRow } from './tables.ts';

export interface ShellOutput {
  /** A line of results. */
  out(line: string): void;
  /** A line saying what went wrong. */
  err(line: string): void;
  /** The terminal's width in characters, for tables. */
  width(): number;
}

/** Ctrl-C while a statement runs: `during` arms `onInterrupt` until the returned function disarms it. */
export interface Interrupts {
  during(onInterrupt: () => void): () => void;
}

export interface ShellOptions {
  /** Ends a query after this many rows (ksqlDB CLI's --query-row-limit). */
  queryRowLimit?: number;
  /** Ends a query after this long (ksqlDB CLI's --query-timeout). */
  queryTimeoutMs?: number;
}

/** How deep RUN SCRIPT may nest (a script that runs itself stops here). */
const MAX_SCRIPT_DEPTH = 8;

/** The one line for an error reaching or talking to the server. */
export function problemLine(error: unknown): string {
  if (error instanceof KsqlDbUnreachableError) {
    return `cannot reach ksqlDB at ${error.url} (${error.reason}); start the stack with \`npm start\` (embedded) or \`sh init.sh\`, or give the URL of a running ksqlDB: npm run ksql -- http://host:8088`;
  }
  if (error instanceof KsqlDbUnauthorisedError) {
    const sent = error.sentCredentials ? 'the credentials were refused' : 'no credentials were sent';
    return `ksqlDB at ${error.url} answered HTTP ${error.status} (${sent}); set KSQLDB_BASIC_AUTH_USER and KSQLDB_BASIC_AUTH_PASSWORD, or put them in the URL (http://user:password@host:8088)`;
  }
  return (error as Error).message ?? String(error);
}

export class KsqlShell {
  /** The session's properties, sent as streamsProperties / properties with every request. */
  readonly properties = new Map<string, string>();
  /** The session's variables by upper-case name (ksqlDB's are case-insensitive), sent as sessionVariables. */
  readonly variables = new Map<string, { name: string; value: string }>();

  constructor(
    private readonly client: KsqlRestClient,
    private readonly output: ShellOutput,
    private readonly interrupts: Interrupts,
    private readonly options: ShellOptions = {},
  ) {}

  /**
   * Runs every statement of `text` in order, stopping at the first that fails. False when one failed
   * or when text is left after the last `;` (its error printed).
   */
  async runText(text: string, depth = 0): Promise<boolean> {
    const split = splitStatements(text);
    if (!(await this.runStatements(split.statements, depth))) return false;
    if (split.restIsBlank) return true;
    this.output.err(`the statement "${split.rest.trim().slice(0, 80)}" has no ending ';'; add one to run it`);
    return false;
  }

  /** Runs complete statements (each ending in `;`), server statements in between batched into one /ksql request. */
  async runStatements(statements: string[], depth = 0): Promise<boolean> {
    let batch: string[] = [];
    const flush = async (): Promise<boolean> => {
      const ksql = batch.join('\n');
      batch = [];
      return ksql === '' || this.runOnServer(ksql);
    };
    for (const text of statements) {
      const statement = classifyStatement(text);
      if (statement.kind === 'server') {
        batch.push(statement.text);
        continue;
      }
      if (!(await flush()) || !(await this.runClientSide(statement, depth))) return false;
    }
    return flush();
  }

  private async runClientSide(statement: Exclude<ShellStatement, { kind: 'server' }>, depth: number): Promise<boolean> {
    switch (statement.kind) {
      case 'set':
        return this.set(statement.name, statement.value);
      case 'unset':
        return this.unset(statement.name);
      case 'query':
        return this.runQuery(statement.text);
      case 'print':
        return this.runPrint(statement.text);
      case 'runScript':
        return this.runScript(statement.path, depth);
      case 'define':
        this.variables.set(statement.name.toUpperCase(), { name: statement.name, value: statement.value });
        return true;
      case 'undefine':
        if (!this.variables.delete(statement.name.toUpperCase())) this.output.out(`Cannot undefine variable '${statement.name}' which was never defined.`);
        return true;
      case 'listVariables':
        for (const line of renderEntityList([{ '@type': 'variables', variables: [...this.variables.values()] }], this.output.width())) this.output.out(line);
        return true;
    }
  }

  set(name: string, value: string): boolean {
    const prior = this.properties.get(name);
    this.properties.set(name, value);
    this.output.out(
      prior === undefined
        ? `Successfully changed local property '${name}' to '${value}'. Use the UNSET command to revert your change.`
        : `Successfully changed local property '${name}' from '${prior}' to '${value}'.`,
    );
    return true;
  }

  unset(name: string): boolean {
    const prior = this.properties.get(name);
    if (prior === undefined) {
      this.output.err(`Cannot unset local property '${name}' which was never set in the first place`);
      return false;
    }
    this.properties.delete(name);
    this.output.out(`Successfully unset local property '${name}' (value was '${prior}').`);
    return true;
  }

  async runScript(file: string, depth = 0): Promise<boolean> {
    if (depth >= MAX_SCRIPT_DEPTH) {
      this.output.err(`RUN SCRIPT '${file}': scripts nest deeper than ${MAX_SCRIPT_DEPTH}; does a script run itself?`);
      return false;
    }
    let text: string;
    try {
      text = await readFile(path.resolve(file), 'utf8');
    } catch (error) {
      this.output.err(`Failed to read file: ${file} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
      return false;
    }
    return this.runText(text, depth + 1);
  }

  /** What goes with every request: the properties and the variables. */
  private session(): SessionSettings {
    return {
      properties: Object.fromEntries(this.properties),
      variables: Object.fromEntries([...this.variables.values()].map((v) => [v.name, v.value])),
    };
  }

  /** Runs `work` with Ctrl-C (and the time limit) armed to abort it; how it ended, its error printed. */
  private async cancellable(work: (signal: AbortSignal, stop: () => void) => Promise<void>, timeoutMs?: number): Promise<'done' | 'interrupted' | 'failed'> {
    const controller = new AbortController();
    const disarm = this.interrupts.during(() => controller.abort());
    const timer = timeoutMs === undefined ? undefined : setTimeout(() => controller.abort(), timeoutMs);
    try {
      await work(controller.signal, () => controller.abort());
      return 'done';
    } catch (error) {
      if (controller.signal.aborted) return 'interrupted';
      this.printError(error);
      return 'failed';
    } finally {
      clearTimeout(timer);
      disarm();
    }
  }

  private printError(error: unknown): void {
    if (error instanceof KsqlStatementError && error.entities.length > 0) {
      for (const line of renderEntityList(error.entities, this.output.width())) this.output.out(line);
    }
    this.output.err(problemLine(error));
  }

  private async runOnServer(ksql: string): Promise<boolean> {
    let ok = true;
    const outcome = await this.cancellable(async (signal) => {
      const entities = await this.client.statements(ksql, this.session(), signal);
      const failed = failedCommand(entities);
      if (failed !== undefined) {
        this.output.err(failed.split('\n', 1)[0]!);
        ok = false;
        return;
      }
      for (const line of renderEntityList(entities, this.output.width())) this.output.out(line);
    });
    if (outcome === 'interrupted')
      this.output.err('interrupted while waiting for the answer; the server may still run the statement (SHOW QUERIES / SHOW STREAMS tell)');
    return outcome === 'done' && ok;
  }

  private async runQuery(sql: string): Promise<boolean> {
    const limit = this.options.queryRowLimit;
    let cell = 0;
    let rows = 0;
    let started = false;
    const outcome = await this.cancellable(async (signal, stop) => {
      await this.client.query(
        sql,
        this.session(),
        {
          header: (columns) => {
            started = true;
            cell = cellWidth(this.output.width(), columns.length);
            for (const line of renderQueryHeader(columns, this.output.width())) this.output.out(line);
          },
          row: (json) => {
            if (limit !== undefined && rows >= limit) return;
            for (const line of renderQueryRow(rowCells(json), cell)) this.output.out(line);
            rows++;
            if (limit !== undefined && rows >= limit) stop();
          },
        },
        signal,
      );
    }, this.options.queryTimeoutMs);
    if (started) this.output.out('Query terminated');
    return outcome !== 'failed';
  }

  private async runPrint(statement: string): Promise<boolean> {
    let printed = false;
    const outcome = await this.cancellable(async (signal) => {
      await this.client.print(
        statement,
        this.session(),
        (line) => {
          printed = true;
          this.output.out(line);
        },
        signal,
      );
    }, this.options.queryTimeoutMs);
    if (outcome !== 'failed' && printed) this.output.out('Topic printing ceased');
    return outcome !== 'failed';
  }
}
