/** Index of the last element whose key is <= target in a list sorted by key, or -1. */
export function lastIndexAtOrBelow(count: number, keyAt: (i: number) => number, target: number): number {
  let lo = 0;
  let hi = count - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (keyAt(mid) <= target) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
