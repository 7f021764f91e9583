import type WebSocket from "ws";

/**
 * Ends a raw test socket at once and for good: its listeners go first (so a late close or
 * message cannot touch an outcome already reported), a last error is swallowed (terminating a
 * socket that is still connecting reports one), then the TCP connection is cut.
 */
export function dropSocket(ws: WebSocket): void {
  ws.removeAllListeners();
  ws.on("error", () => {});
  ws.terminate();
}
