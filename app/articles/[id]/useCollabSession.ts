"use client";

import { useEffect, useState } from "react";
import { WebsocketProvider } from "y-websocket";
import * as Y from "yjs";
import { openLocalCopy, type LocalCopy } from "./localCopy";
import { sendOwnAwarenessOnly } from "./ownAwarenessOnly";

/** How long the socket waits for the device's copy of the story before connecting without it. */
const LOCAL_COPY_WAIT_MS = 3000;

export interface CollabSession {
  doc: Y.Doc;
  provider: WebsocketProvider;
  /** This person's copy of the story in the browser, or null without IndexedDB. */
  localCopy: LocalCopy | null;
}

/**
 * One Y.Doc, socket and local copy per open article, made after mount (React may mount twice
 * in development; each mount gets its own and cleans them up). The local copy is keyed by
 * `userId`: edits left on this device by another account are never loaded.
 */
export function useCollabSession(articleId: string, userId: string): CollabSession | null {
  const [session, setSession] = useState<CollabSession | null>(null);
  useEffect(() => {
    const doc = new Y.Doc();
    const localCopy = openLocalCopy(doc, userId, articleId);
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    // disableBc: every tab talks to the server itself, so "已保存" always means the server has it.
    const provider = new WebsocketProvider(`${scheme}://${window.location.host}/collab`, articleId, doc, {
      disableBc: true,
      connect: false,
    });
    // The socket opens once what an earlier tab left on the device is in the doc: the sync then
    // sends the server only what it lacks (edits made offline), not the whole story again.
    // A store that does not answer must not keep the story offline: connect after a while anyway.
    let connectTimer: ReturnType<typeof setTimeout> | null = null;
    let stopped = false;
    const connect = () => {
      if (connectTimer !== null) clearTimeout(connectTimer);
      connectTimer = null;
      if (!stopped) provider.connect();
    };
    if (localCopy) {
      void localCopy.whenLoaded.then(connect);
      connectTimer = setTimeout(connect, LOCAL_COPY_WAIT_MS);
    } else {
      connect();
    }
    // Offline, the device holds the only copy: the local copy writes each change at once then.
    const followSocket = ({ status }: { status: string }) => localCopy?.setConnected(status === "connected");
    provider.on("status", followSocket);
    const stopOwnAwarenessOnly = sendOwnAwarenessOnly(provider);
    // The browser knows at once when the network goes; the socket may take ~30 s to notice.
    // Closing it now shows 离线 straight away and ends this person's presence for colleagues;
    // edits made meanwhile stay in the Y.Doc and are sent when the network is back.
    const goOffline = () => provider.disconnect();
    const goOnline = () => provider.connect();
    window.addEventListener("offline", goOffline);
    window.addEventListener("online", goOnline);
    setSession({ doc, provider, localCopy });
    return () => {
      stopped = true;
      if (connectTimer !== null) clearTimeout(connectTimer);
      window.removeEventListener("offline", goOffline);
      window.removeEventListener("online", goOnline);
      stopOwnAwarenessOnly();
      provider.off("status", followSocket);
      provider.destroy();
      localCopy?.close();
      doc.destroy();
      setSession(null);
    };
  }, [articleId, userId]);
  return session;
}
