"use client";

import { useEffect, useState } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { sendOwnAwarenessOnly } from "./ownAwarenessOnly";

export interface CollabSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
}

/**
 * One Y.Doc and socket per open article, made after mount (React may mount twice in
 * development; each mount gets its own pair and cleans it up).
 */
export function useCollabSession(articleId: string): CollabSession | null {
  const [session, setSession] = useState<CollabSession | null>(null);
  useEffect(() => {
    const doc = new Y.Doc();
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    // disableBc: every tab talks to the server itself, so "已保存" always means the server has it.
    const provider = new WebsocketProvider(`${scheme}://${window.location.host}/collab`, articleId, doc, {
      disableBc: true,
    });
    const stopOwnAwarenessOnly = sendOwnAwarenessOnly(provider);
    setSession({ doc, provider });
    return () => {
      stopOwnAwarenessOnly();
      provider.destroy();
      doc.destroy();
      setSession(null);
    };
  }, [articleId]);
  return session;
}
