/**
 * The process's open-file limit (RLIMIT_NOFILE). Node raises its soft limit to the hard one at start-up by
 * itself (PlatformInit in node.cc, Linux and macOS), so `ulimit -Sn 256; npm start` still gets the hard
 * limit. Node has no setrlimit, so where the soft limit is still lower (another runtime, a limit changed
 * since), prlimit(1) from util-linux raises it from outside: allowed for one's own processes up to the
 * hard limit. Raising the hard limit itself needs root (or CAP_SYS_RESOURCE): `ulimit -Hn` in the shell,
 * LimitNOFILE= in a systemd unit, `--ulimit nofile=` for a container.
 */
import { execFileSync } from 'node:child_process';
import { openFileLimit, type OpenFileLimit } from '../embedded/common/open-file-limit.ts';

export { openFileLimit, type OpenFileLimit } from '../embedded/common/open-file-limit.ts';

/** Raises the soft limit of `pid` to its hard limit with prlimit(1); the limit after, and why not if it could not. */
export function raiseOpenFileLimit(pid: number = process.pid): { limit: OpenFileLimit | undefined; problem?: string } {
  const limit = openFileLimit(pid);
  if (!limit || limit.soft >= limit.hard) return { limit };
  const hard = Number.isFinite(limit.hard) ? String(limit.hard) : 'unlimited';
  try {
    execFileSync('prlimit', ['--pid', String(pid), `--nofile=${hard}:${hard}`], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 5_000 });
  } catch (error) {
    const detail =
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? 'prlimit (util-linux) is not installed'
        : String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
    return { limit, problem: `could not raise the open-file limit from ${limit.soft} to ${hard}: ${detail}; run \`ulimit -n ${hard}\` before starting` };
  }
  return { limit: openFileLimit(pid) };
}

/**
 * A line to print when the limit is below what the stack may use: every broker's max.connections, the
 * log files' cache and a reserve for the rest (HTTP servers, DuckDB, MySQL clients). Undefined when it fits.
 */
export function openFileLimitProblem(
  limit: OpenFileLimit | undefined,
  brokers: number,
  maxConnections: number,
  maxOpenLogFiles: number,
  reserve = 1000,
): string | undefined {
  if (!limit) return undefined;
  const wanted = brokers * maxConnections + maxOpenLogFiles + reserve;
  if (limit.soft >= wanted) return undefined;
  return (
    `the open-file limit is ${limit.soft}, below the ${wanted} the Kafka caps allow (${brokers} brokers x KAFKA_MAX_CONNECTIONS ${maxConnections} ` +
    `+ KAFKA_MAX_OPEN_LOG_FILES ${maxOpenLogFiles} + ${reserve} for the rest): lower those, or raise the limit (ulimit -n) before starting`
  );
}
