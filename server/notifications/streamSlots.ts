import "server-only";
/**
 * Counts the open notification streams of this process, per account and in all, so a script
 * (or a person with many tabs) cannot hold unbounded connections. On globalThis: the route runs
 * in Next's bundle, the count must be the process's.
 */
const GLOBAL_KEY = Symbol.for("newsroom.notificationStreams");
interface Slots {
  total: number;
  perUser: Map<string, number>;
}
type GlobalWithSlots = typeof globalThis & { [GLOBAL_KEY]?: Slots };

function slots(): Slots {
  const global = globalThis as GlobalWithSlots;
  global[GLOBAL_KEY] ??= { total: 0, perUser: new Map() };
  return global[GLOBAL_KEY];
}

/**
 * Takes a stream slot for `userId`: the release function, or null when the account already has
 * `perUserMax` streams or the process `totalMax`.
 */
export function takeStreamSlot(userId: string, perUserMax: number, totalMax: number): (() => void) | null {
  const s = slots();
  const mine = s.perUser.get(userId) ?? 0;
  if (mine >= perUserMax || s.total >= totalMax) return null;
  s.perUser.set(userId, mine + 1);
  s.total += 1;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    s.total -= 1;
    const left = (s.perUser.get(userId) ?? 1) - 1;
    if (left <= 0) s.perUser.delete(userId);
    else s.perUser.set(userId, left);
  };
}
