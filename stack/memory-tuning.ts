/**
 * Two settings that keep the stack's resident memory small. Both act only when given before Node
 * starts, so `npm start` (package.json) sets them in the environment, and so does anything that
 * launches the stack to measure it (the pipeline bench). Measured idle, summed over the stack and its
 * Pinot process (2 cores): about 450 MB without them, about 360 MB with them.
 * - MALLOC_ARENA_MAX=2: glibc gives threads that allocate at once malloc arenas of their own, up to
 *   eight per core; the stack's worker threads (ksqlDB, Connect), libuv's pool and DuckDB's threads
 *   each kept tens of MB of freed memory in theirs.
 * - --max-semi-space-size=4: V8's young generation of the main thread (Kafka's brokers, the dashboard)
 *   at 12 MB instead of up to 48 MB, as the ksqlDB and Pinot parts already have theirs.
 */
export const MALLOC_ARENA_MAX = '2';
export const SEMI_SPACE_MB = 4;
const SEMI_SPACE_FLAG = `--max-semi-space-size=${SEMI_SPACE_MB}`;

/** `env` with both settings added (the caller's own MALLOC_ARENA_MAX and NODE_OPTIONS kept). */
export function tunedLaunchEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const nodeOptions = env.NODE_OPTIONS ?? '';
  return {
    ...env,
    MALLOC_ARENA_MAX: env.MALLOC_ARENA_MAX || MALLOC_ARENA_MAX,
    NODE_OPTIONS: nodeOptions.includes('--max-semi-space-size') ? nodeOptions : `${SEMI_SPACE_FLAG} ${nodeOptions}`.trim(),
  };
}

/** A note when this process was started without the settings (e.g. `tsx stack/start.ts` instead of `npm start`). */
export function memoryTuningNote(env: NodeJS.ProcessEnv, execArgv: readonly string[]): string | undefined {
  const missing: string[] = [];
  if (!env.MALLOC_ARENA_MAX) missing.push(`MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX}`);
  const semiSpaceSet = [...execArgv, ...(env.NODE_OPTIONS ?? '').split(/\s+/)].some((arg) => arg.startsWith('--max-semi-space-size'));
  if (!semiSpaceSet) missing.push(`NODE_OPTIONS=${SEMI_SPACE_FLAG}`);
  if (missing.length === 0) return undefined;
  return `note: started without ${missing.join(' and ')}, which npm start sets; the stack then takes about 90 MB more memory`;
}
