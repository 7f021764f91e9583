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
    // The browser knows at once when the network goes; the socket may take ~30 s to notice.
    // Closing it now shows 离线 straight away and ends this person's presence for colleagues;
    // edits made meanwhile stay in the Y.Doc and are sent when the network is back.
    const goOffline = () => provider.disconnect();
    const goOnline = () => provider.connect();
    window.addEventListener("offline", goOffline);
    window.addEventListener("online", goOnline);
    setSession({ doc, provider });
    return () => {
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("online", goOnline);
      stopOwnAwarenessOnly();
      provider.destroy();
      doc.destroy();
      setSession(null);
    };
  }, [articleId]);
  return session;
}
