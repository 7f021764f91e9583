import "server-only";
import { eventBus } from "../events/processBus";
import type { LiveRooms } from "../events/liveRooms";

/**
 * How commands (running in Next's bundle) reach the live rooms of this process: apply a
 * workflow change to connected editors at once, wait until every received edit is committed,
 * make a server edit. Served by the custom server through the story-event bus.
 */
export type LiveAccess = Omit<LiveRooms, "presence">;

export function liveAccess(): LiveAccess {
  return eventBus().liveRooms();
}

/** A server edit was applied but could not be stored: the story reloads without it. */
export class EditNotSaved extends Error {
  readonly code = "save_failed";
}

/**
 * Whether `err` is an EditNotSaved. Judged by its code, not its class: the rejection is made
 * in the custom server's copy of this module and caught in Next's.
 */
export function isEditNotSaved(err: unknown): boolean {
  return err instanceof Error && (err as { code?: unknown }).code === "save_failed";
}
