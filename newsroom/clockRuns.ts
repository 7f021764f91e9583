/**
 * The index of the run in `runs` that holds `clock`, or -1 when none does. `runs` are one Yjs
 * client's clock ranges (an update's items, a delete set's ranges), sorted by their first clock
 * and not overlapping; `first` and `length` read a run's range. A binary search: one update may
 * carry thousands of runs of one client.
 */
export function indexOfRunHolding<Run>(runs: readonly Run[], clock: number, first: (run: Run) => number, length: (run: Run) => number): number {
  let low = 0;
  let high = runs.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const start = first(runs[middle]);
    if (clock < start) high = middle - 1;
    else if (clock >= start + length(runs[middle])) low = middle + 1;
    else return middle;
  }
  return -1;
}
