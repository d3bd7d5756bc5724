/** What every long-running CLI of the stack does the same way: stop cleanly on Ctrl-C, fail in one line. */
import { isUsageError } from './args.ts';

/** First SIGINT/SIGTERM: `stop()` then exit 0 (1 if stopping failed); a second signal exits at once. */
export function stopOnSignals(name: string, stop: () => Promise<void>, what = 'stopping'): void {
  let stopping = false;
  const onSignal = (signal: string): void => {
    if (stopping) {
      console.error(`[${name}] second signal, exiting now`);
      process.exit(130);
    }
    stopping = true;
    console.error(`[${name}] ${signal}: ${what}…`);
    stop().then(
      () => {
        console.error(`[${name}] stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`[${name}] stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => onSignal('SIGINT'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
}

/**
 * Runs `main`; usage and config errors exit 2, anything else 1, each as one line naming the cause.
 * `redact` passes the line through the caller's secret filter (a CLI that holds credentials) first.
 */
export function runCli(name: string, main: () => Promise<void>, redact: (line: string) => string = (line) => line): void {
  main().catch((error: unknown) => {
    if (isUsageError(error)) {
      console.error(redact(`${name}: ${error.message}`));
      process.exit(2);
    }
    const e = error as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') console.error(redact(`${name}: port already in use (${e.message}); pick another with --port`));
    else console.error(redact(`${name}: ${e.message ?? String(error)}`));
    process.exit(1);
  });
}
