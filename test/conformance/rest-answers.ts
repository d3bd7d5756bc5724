/**
 * Two Connect workers' REST answers made comparable: what differs by design between the real worker's connector
 * and ours (its name prefix, worker ids, stack traces, message texts, the binlog client id) is replaced by a
 * placeholder; status codes, states, keys and structure stay.
 */

/** A REST answer with what differs by design taken out: the connector's prefix, worker ids, traces and message texts. */
export function normaliseAnswer(answer: { status: number; body: unknown }, prefix: string): unknown {
  const walk = (value: unknown, key?: string): unknown => {
    if (key === 'worker_id' && typeof value === 'string') return '<worker>';
    if (key === 'trace' && typeof value === 'string') return '<trace>';
    if (key === 'message' && typeof value === 'string') return '<message>';
    // Each side's connector has its own binlog client id.
    if (key === 'database.server.id' && typeof value === 'string') return '<server-id>';
    if (typeof value === 'string') return value.replace(new RegExp(`\\b${prefix}`, 'g'), '<prefix>');
    if (Array.isArray(value)) return value.map((v) => walk(v));
    if (typeof value !== 'object' || value === null) return value;
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith(`${prefix}-`) ? `<prefix>${k.slice(prefix.length)}` : k, walk(v, k)]));
  };
  return { status: answer.status, body: walk(answer.body) };
}
