/**
 * Group commit: work submitted while a commit is running waits and then goes into the next commit
 * together with everything else that arrived meanwhile, so N tables x M partitions of small batches
 * cost one DuckDB transaction per round instead of one each (a transaction's statements and its
 * commit cost milliseconds however few rows they carry).
 *
 * If a group's commit fails, its items are committed one at a time (`commitOne`), so one bad item
 * fails alone, as it would have without grouping.
 */
export class GroupCommitter<T> {
  private queue: { item: T; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private draining = false;

  constructor(
    private readonly commitGroup: (items: T[]) => Promise<void>,
    private readonly commitOne: (item: T) => Promise<void>,
  ) {}

  /** Items waiting for the next commit (not counting a commit under way). */
  get waiting(): number {
    return this.queue.length;
  }

  /** Resolves once `item` is committed (alone or with others). */
  submit(item: T): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue;
        this.queue = [];
        try {
          if (group.length === 1) await this.commitOne(group[0]!.item);
          else await this.commitGroup(group.map((g) => g.item));
          for (const g of group) g.resolve();
        } catch (error) {
          if (group.length === 1) {
            group[0]!.reject(error);
            continue;
          }
          for (const g of group) {
            try {
              await this.commitOne(g.item);
              g.resolve();
            } catch (oneError) {
              g.reject(oneError);
            }
          }
        }
      }
    } finally {
      this.draining = false;
    }
  }
}
