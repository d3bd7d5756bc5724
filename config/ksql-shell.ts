/**
 * The ksql shell's own settings (`npm run ksql`): where its history is kept and how much of it.
 * The server it talks to is KSQLDB_URL with its credentials (config/endpoints.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { envInt, envOptional, type Env } from './env.ts';

export interface KsqlShellConfig {
  /** KSQL_HISTORY_FILE; default ~/.ksql-shell-history (ksqlDB's own CLI keeps ~/.ksql-history, in another format). */
  historyFile: string;
  /** KSQL_HISTORY_SIZE: entries kept, newest first; 0 keeps none. Default 500. */
  historySize: number;
}

export function ksqlShellConfigFromEnv(env: Env): KsqlShellConfig {
  return {
    historyFile: path.resolve(envOptional(env, 'KSQL_HISTORY_FILE') ?? path.join(envOptional(env, 'HOME') ?? os.homedir(), '.ksql-shell-history')),
    historySize: envInt(env, 'KSQL_HISTORY_SIZE', 500, 0, 100_000),
  };
}
