"use client";

import * as decoding from "lib0/decoding";
import { useEffect, useState } from "react";
import * as Y from "yjs";
import { watchClocklessEdits } from "@/newsroom/clocklessEditReceipt";
import { MESSAGE_SAVED } from "@/newsroom/collabMessages";
import { coversVector, isSavedFor, saveStatus, type SaveStatus } from "@/newsroom/saveStatus";
import type { CollabSession } from "./useCollabSession";

export interface ConnectionState {
  status: SaveStatus;
  /** Set when the server closed the connection for good (a 44xx code), with its reason. */
  refusedCode: number | null;
  refusedReason: string;
}

/**
 * Drives the status line from the server's "saved" message (type 100): 已保存 only once the
 * committed state vector covers this client's own edits and what the browser kept from an
 * earlier tab (edits made offline, then the tab closed), and a deletion, which moves no clock,
 * has its receipt (newsroom/clocklessEditReceipt.ts).
 */
export function useSaveStatus(session: CollabSession | null): ConnectionState {
  const [state, setState] = useState<ConnectionState>({ status: "connecting", refusedCode: null, refusedReason: "" });
  useEffect(() => {
    if (!session) return;
    const { doc, provider, localCopy } = session;
    let savedVector = new Map<number, number>();
    let everConnected = false;
    let refusedCode: number | null = null;
    let refusedReason = "";

    // Before the status's own update listener: a deletion is marked unsaved before it is judged.
    const receipt = watchClocklessEdits(doc, provider, () => recompute());
    // Deletions kept on the device from an earlier tab are as clockless as new ones.
    if (localCopy && localCopy.loadedVector.size > 0) receipt.clocklessEdit();
    const recompute = () => {
      const connected = provider.wsconnected;
      everConnected ||= connected;
      const saved =
        isSavedFor(savedVector, doc.clientID, Y.getState(doc.store, doc.clientID)) &&
        (!localCopy || coversVector(savedVector, localCopy.loadedVector)) &&
        receipt.settled;
      const next = { status: saveStatus({ connected, everConnected, saved }), refusedCode, refusedReason };
      // Called on every update, a colleague's keystrokes included: the page re-renders only
      // when the status line actually changes, not once per keystroke.
      setState((current) =>
        current.status === next.status && current.refusedCode === next.refusedCode && current.refusedReason === next.refusedReason ? current : next,
      );
    };

    provider.messageHandlers[MESSAGE_SAVED] = (_encoder, decoder) => {
      savedVector = Y.decodeStateVector(decoding.readVarUint8Array(decoder));
      recompute();
    };
    const onClosed = ({ code, reason }: { code: number; reason: string }) => {
      refusedCode = code;
      refusedReason = reason;
      recompute();
    };
    provider.on("status", recompute);
    provider.on("closed", onClosed);
    doc.on("update", recompute);
    const stopWatchingCopy = localCopy?.subscribe(recompute);
    recompute();
    return () => {
      stopWatchingCopy?.();
      receipt.detach();
      provider.off("status", recompute);
      provider.off("closed", onClosed);
      doc.off("update", recompute);
    };
  }, [session]);
  return state;
}
