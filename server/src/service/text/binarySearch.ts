/** The last index in [0, length) where `predicate` holds; it must hold for a prefix. -1 if none. */
export function lastIndexWhere(length: number, predicate: (index: number) => boolean): number {
  // The predicate holds for a prefix (blocks and runs are sorted): binary search.
  let low = 0;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (predicate(mid)) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

/** The first index in [from, length) where `predicate` holds; it must hold for a suffix. */
export function firstIndexWhere(
  length: number,
  predicate: (index: number) => boolean,
  from: number,
): number {
  let low = from;
  let high = length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (predicate(mid)) high = mid;
    else low = mid + 1;
  }
  return low;
}
