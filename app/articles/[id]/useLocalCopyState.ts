"use client";

import { useEffect, useState } from "react";
import type { LocalCopyState } from "./localCopy";
import type { CollabSession } from "./useCollabSession";

/** Whether this tab's edits are on the device too ("unavailable" without a local copy). */
export function useLocalCopyState(session: CollabSession | null): LocalCopyState {
  const [state, setState] = useState<LocalCopyState>("unavailable");
  useEffect(() => {
    const copy = session?.localCopy;
    if (!copy) {
      setState("unavailable");
      return;
    }
    setState(copy.state);
    return copy.subscribe(setState);
  }, [session]);
  return state;
}
