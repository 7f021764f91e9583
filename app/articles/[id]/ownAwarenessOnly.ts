import type { WebsocketProvider } from "y-websocket";

type AwarenessHandler = WebsocketProvider["_awarenessUpdateHandler"];

/**
 * The stock WebsocketProvider sends every awareness change it hears back to the server, a
 * colleague's caret move included: one extra message out (and one the server decodes and
 * drops, server/collab/room.ts) per colleague keystroke, on the path between receiving a
 * keystroke and painting it. This makes it send only this tab's own presence (origin "local":
 * setLocalState and the 15 s renewal); the server relays everyone else's. Returns the undo.
 */
export function sendOwnAwarenessOnly(provider: WebsocketProvider): () => void {
  const { awareness } = provider;
  const broadcast: AwarenessHandler = provider._awarenessUpdateHandler;
  const ownOnly: AwarenessHandler = (changes, origin) => {
    if (origin === "local") broadcast(changes, origin);
  };
  awareness.off("update", broadcast);
  awareness.on("update", ownOnly);
  return () => awareness.off("update", ownOnly);
}
