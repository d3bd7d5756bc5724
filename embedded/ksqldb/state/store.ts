// Operator state behind a small key-value interface. Every write goes through an optional change
// hook, so a runtime can append it to a compacted changelog topic and replay it on restart.

/** `existed`: the key had a value before this write (lets a changelog drop keys created and deleted within one batch) */
export type ChangeHook = (store: string, key: string, value: unknown | undefined, existed: boolean) => void;

export interface KeyValueStore<V> {
  readonly name: string;
  get(key: string): V | undefined;
  /** value undefined deletes the key */
  put(key: string, value: V | undefined): void;
  entries(): IterableIterator<[string, V]>;
  /** load a changelog entry without invoking the change hook */
  restore(key: string, value: V | undefined): void;
}

export class MemoryStore<V> implements KeyValueStore<V> {
  private data = new Map<string, V>();
  constructor(
    readonly name: string,
    private hook?: ChangeHook,
  ) {}
  get(key: string): V | undefined {
    return this.data.get(key);
  }
  put(key: string, value: V | undefined): void {
    const hook = this.hook;
    if (!hook) {
      this.restore(key, value);
      return;
    }
    const existed = this.data.has(key);
    this.restore(key, value);
    hook(this.name, key, value, existed);
  }
  restore(key: string, value: V | undefined): void {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, value);
  }
  entries(): IterableIterator<[string, V]> {
    return this.data.entries();
  }
}

/** Creates named stores; one backend per engine. Stores are named `<queryId>-<operator>`. */
export interface StateBackend {
  open<V>(name: string): KeyValueStore<V>;
  stores(): KeyValueStore<unknown>[];
}

export class MemoryStateBackend implements StateBackend {
  private all = new Map<string, KeyValueStore<unknown>>();
  constructor(private hook?: ChangeHook) {}
  open<V>(name: string): KeyValueStore<V> {
    let s = this.all.get(name);
    if (!s) this.all.set(name, (s = new MemoryStore<unknown>(name, this.hook)));
    return s as KeyValueStore<V>;
  }
  stores(): KeyValueStore<unknown>[] {
    return [...this.all.values()];
  }
  /** snapshot of every store, JSON-serialisable */
  snapshot(): Record<string, [string, unknown][]> {
    const out: Record<string, [string, unknown][]> = {};
    for (const s of this.all.values()) out[s.name] = [...s.entries()];
    return out;
  }
  load(snapshot: Record<string, [string, unknown][]>): void {
    for (const [name, entries] of Object.entries(snapshot)) {
      const s = this.open<unknown>(name);
      for (const [k, v] of entries) s.restore(k, v);
    }
  }
}
