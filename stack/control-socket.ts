/**
 * The embedded stack's control socket, `<data dir>/stack.sock`: how `npm run chaos` (or an operator) ends a
 * supervised part's thread or process as a crash would, in a stack running in another process, and reads the parts'
 * states. A Unix socket (0600, see embedded/common/json-line-socket.ts): no port, no web page reaches it.
 *
 * Requests: `{"command":"parts"}`; `{"command":"kill-part","part":"ksqlDB"}`. Answers: `{"ok":true,"parts":[...]}`
 * or `{"ok":false,"error":"..."}`.
 */
import path from 'node:path';
import { requestJsonLine, serveJsonLines, type JsonLineSocket } from '../embedded/common/json-line-socket.ts';
import type { PartStatus, SupervisedPart, Supervisor } from './supervisor.ts';

export const STACK_SOCKET_NAME = 'stack.sock';

export interface StackControlAnswer {
  ok: boolean;
  error?: string;
  parts?: PartStatus[];
}

export function stackSocketPath(dataDir: string): string {
  return path.join(dataDir, STACK_SOCKET_NAME);
}

export function openStackControl(
  dataDir: string,
  supervisor: Supervisor,
  parts: SupervisedPart<unknown>[],
  log: (line: string) => void,
): Promise<JsonLineSocket> {
  return serveJsonLines(
    stackSocketPath(dataDir),
    async (request): Promise<StackControlAnswer> => {
      const r = request as { command?: unknown; part?: unknown };
      if (r.command === 'parts' || r.command === 'ping') return { ok: true, parts: supervisor.statuses() };
      if (r.command === 'kill-part') {
        const part = parts.find((p) => p.name === r.part);
        if (!part) return { ok: false, error: `no supervised part ${JSON.stringify(r.part)}; the parts are ${parts.map((p) => p.name).join(', ')}` };
        log(`control: ending ${part.name} as a crash would (kill-part)`);
        await part.kill();
        return { ok: true, parts: supervisor.statuses() };
      }
      return { ok: false, error: `unknown command ${JSON.stringify(r.command)}; commands: parts, kill-part` };
    },
    log,
  );
}

export function sendStackCommand(
  dataDir: string,
  request: { command: 'parts' } | { command: 'kill-part'; part: string },
  timeoutMs = 30_000,
): Promise<StackControlAnswer> {
  return requestJsonLine<StackControlAnswer>(stackSocketPath(dataDir), request, timeoutMs);
}
