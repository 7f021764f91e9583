"use client";

import * as decoding from "lib0/decoding";
import { useEffect, useState } from "react";
import { MESSAGE_ACCESS, type AccessNotice } from "@/newsroom/collabMessages";
import type { CollabSession } from "./useCollabSession";

/**
 * What the server says this connection may do (message 101), starting from what the page was
 * rendered with. The server enforces it regardless; this keeps the editor honest about it.
 */
export function useAccess(session: CollabSession | null, initial: AccessNotice): AccessNotice {
  const [access, setAccess] = useState(initial);
  useEffect(() => {
    if (!session) return;
    session.provider.messageHandlers[MESSAGE_ACCESS] = (_encoder, decoder) => {
      try {
        const notice = JSON.parse(decoding.readVarString(decoder)) as AccessNotice;
        setAccess({ state: notice.state, canWrite: notice.canWrite === true });
      } catch {
        // a notice we cannot read changes nothing
      }
    };
  }, [session]);
  return access;
}
