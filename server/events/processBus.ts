import "server-only";
import { MemoryEventBus } from "./memoryEventBus";
import type { StoryEventBus } from "./storyEventBus";

/**
 * The process's one story-event bus. Next's bundle and the custom server load separate copies
 * of every module in one process, so this is the single place they meet on globalThis: the
 * custom server installs its bus (in memory, or Redis when scaled out) before it serves, and
 * both copies find it here. Without a custom server (a script, a unit test) an in-memory bus
 * with the default limits is made on first use.
 */
const GLOBAL_KEY = Symbol.for("newsroom.storyEventBus");
type GlobalWithBus = typeof globalThis & { [GLOBAL_KEY]?: StoryEventBus };

export function installEventBus(bus: StoryEventBus): void {
  (globalThis as GlobalWithBus)[GLOBAL_KEY] = bus;
}

/** Removes `bus` if it is still the installed one (a stopped server leaves no stale bus behind). */
export function uninstallEventBus(bus: StoryEventBus): void {
  const global = globalThis as GlobalWithBus;
  if (global[GLOBAL_KEY] === bus) delete global[GLOBAL_KEY];
}

export function eventBus(): StoryEventBus {
  return ((globalThis as GlobalWithBus)[GLOBAL_KEY] ??= new MemoryEventBus());
}
