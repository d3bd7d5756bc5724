/**
 * The embedded Pinot (controller, broker, ingestion and its DuckDB file) in a child process of its own, a
 * part of the supervisor (supervisor.ts). A process rather than a thread: DuckDB's bindings abort the whole
 * process when a thread is ended while a DuckDB call is in flight, and an ingesting Pinot always has one
 * in flight; a native crash in DuckDB costs only this process too. A restart reopens the same DuckDB file
 * on the same ports and every realtime table resumes from the offsets it committed with its rows.
 */
import type { PinotOptions } from '../embedded/pinot/index.ts';
import { servePart } from './part-worker.ts';
import type { PartSpec } from './supervisor.ts';

export type PinotPartOptions = Omit<PinotOptions, 'log'> & {
  /** the process's heap limit (V8 old generation), MB (config: PINOT_MAX_HEAP_MB); 0 = V8's own */
  maxHeapMb: number;
};

export interface PinotInfo {
  controllerUrl: string;
  brokerUrl: string;
  controllerPort: number;
  brokerPort: number;
}

/** V8's young generation for Pinot's process, MB: as for ksqlDB (ksqldb-worker.ts), ingestion allocates fast and keeps little. */
const YOUNG_GENERATION_MB = 12;

/** Pinot's process priority (nice): below the stack's own process, whose brokers and ksqlDB feed it. */
const PINOT_NICENESS = 10;

/** The supervisor's description of the Pinot part; a restart binds the ports the first start got. */
export function pinotPart(options: PinotPartOptions): PartSpec<PinotInfo> {
  const { maxHeapMb, ...serverOptions } = options;
  return {
    name: 'Pinot',
    entry: new URL('./pinot-worker-entry.mjs', import.meta.url),
    isolation: 'process',
    // Pinot serves what ksqlDB has computed: when the two cores are busy, the brokers and ksqlDB go first
    niceness: PINOT_NICENESS,
    data: (previous) => ({ ...serverOptions, ...(previous ? { controllerPort: previous.controllerPort, brokerPort: previous.brokerPort } : {}) }),
    resourceLimits: { maxYoungGenerationSizeMb: YOUNG_GENERATION_MB, ...(maxHeapMb > 0 ? { maxOldGenerationSizeMb: maxHeapMb } : {}) },
  };
}

/** The process's side (pinot-worker-entry.mjs). */
export function servePinot(): void {
  servePart<PinotOptions, PinotInfo>(async (options) => {
    const { startPinot } = await import('../embedded/pinot/index.ts');
    // its event lines stay off the stack's console; the supervisor logs deaths and restarts
    const pinot = await startWhenUnlocked(() => startPinot({ ...options, log: () => {} }));
    const { controllerUrl, brokerUrl, controllerPort, brokerPort } = pinot;
    return { info: { controllerUrl, brokerUrl, controllerPort, brokerPort }, stop: () => pinot.stop() };
  });
}

/** How long a start waits for a dying predecessor (the process of a killed stack) to let go of the DuckDB file. */
const LOCK_WAIT_MS = 15_000;

/** Starts, retrying while another process still holds the DuckDB file's lock (it is exiting). */
async function startWhenUnlocked<T>(start: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      return await start();
    } catch (error) {
      if (!/Could not set lock on file/.test((error as Error).message) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
