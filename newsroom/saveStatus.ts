/** What the editor's status line says about the user's own edits. */
export type SaveStatus = "connecting" | "offline" | "saving" | "saved" | "refused";

export const SAVE_STATUS_ZH: Record<SaveStatus, string> = {
  connecting: "连接中…",
  offline: "离线",
  saving: "保存中…",
  saved: "已保存",
  refused: "未保存：稿件已锁定",
};

/**
 * A client's edits are saved once the server's committed state vector has reached the
 * client's own clock (DESIGN.md §3). A client that has written nothing (clock 0) is saved.
 */
export function isSavedFor(
  savedVector: ReadonlyMap<number, number>,
  clientId: number,
  localClock: number,
): boolean {
  return (savedVector.get(clientId) ?? 0) >= localClock;
}

/**
 * Whether the server's committed state vector covers `vector` (what this browser kept of the
 * story from an earlier tab, edits made offline included): until then they are not saved.
 */
export function coversVector(savedVector: ReadonlyMap<number, number>, vector: ReadonlyMap<number, number>): boolean {
  for (const [client, clock] of vector) if ((savedVector.get(client) ?? 0) < clock) return false;
  return true;
}

export function saveStatus(opts: {
  connected: boolean;
  everConnected: boolean;
  saved: boolean;
}): SaveStatus {
  if (!opts.connected) return opts.everConnected ? "offline" : "connecting";
  return opts.saved ? "saved" : "saving";
}

/**
 * Edits still unsaved once the story is read-only for this user will never be saved: they
 * arrived after the story was locked (submitted, approved) and the server dropped them.
 */
export function statusUnderAccess(status: SaveStatus, canWrite: boolean): SaveStatus {
  return status === "saving" && !canWrite ? "refused" : status;
}
