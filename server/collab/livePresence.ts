import "server-only";
import type { AwarenessUser } from "./awarenessIdentity";

/**
 * Pages (in Next's bundle) ask who is in which story; the registry lives in the custom
 * server's copy of the modules. Both copies meet on globalThis.
 */
const GLOBAL_KEY = Symbol.for("newsroom.livePresence");
type PresenceSource = () => Map<string, AwarenessUser[]>;
type GlobalWithPresence = typeof globalThis & { [GLOBAL_KEY]?: PresenceSource };

export function publishPresenceSource(source: PresenceSource): void {
  (globalThis as GlobalWithPresence)[GLOBAL_KEY] = source;
}

/** People connected to each story in this process (empty when the collab server is not running). */
export function livePresence(): Map<string, AwarenessUser[]> {
  return (globalThis as GlobalWithPresence)[GLOBAL_KEY]?.() ?? new Map();
}
