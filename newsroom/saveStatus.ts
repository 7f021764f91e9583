/** What the editor's status line says about the user's own edits. */
export type SaveStatus = "connecting" | "offline" | "saving" | "saved";

export const SAVE_STATUS_ZH: Record<SaveStatus, string> = {
  connecting: "连接中…",
  offline: "离线",
  saving: "保存中…",
  saved: "已保存",
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

export function saveStatus(opts: {
  connected: boolean;
  everConnected: boolean;
  saved: boolean;
}): SaveStatus {
  if (!opts.connected) return opts.everConnected ? "offline" : "connecting";
  return opts.saved ? "saved" : "saving";
}
