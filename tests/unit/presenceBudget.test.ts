import * as awarenessProtocol from "y-protocols/awareness";
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { OverBudget } from "../../server/collab/socketBudgets";
import { roomWithManualCommits, testConnection } from "../support/manualRoom";

/**
 * A presence update of `clientId` after `moves` caret moves (clock `moves`: a first state has
 * clock 0), or its removal one clock later.
 */
function caretAfter(clientId: number, moves: number, { removed = false } = {}): Uint8Array {
  const awareness = new awarenessProtocol.Awareness(new Y.Doc());
  awareness.clientID = clientId;
  for (let i = 0; i <= moves; i++) awareness.setLocalState({ cursor: { at: i } });
  if (removed) awarenessProtocol.removeAwarenessStates(awareness, [clientId], null);
  const update = awarenessProtocol.encodeAwarenessUpdate(awareness, [clientId]);
  awareness.destroy();
  return update;
}

describe("a socket's presence budget (COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND)", () => {
  it("counts the sender's own presence, never a colleague's that a stock client echoes back", () => {
    const { room } = roomWithManualCommits();
    const colleague = testConnection("writer");
    const echoer = testConnection("writer", { awarenessUpdatesPerSecond: 1 });
    room.join(colleague.conn);
    room.join(echoer.conn);

    // The colleague moves her caret 20 times; the stock client sends each change back.
    for (let moves = 1; moves <= 20; moves++) {
      const change = caretAfter(111, moves);
      room.applyClientAwareness(change, colleague.conn);
      expect(() => room.applyClientAwareness(change, echoer.conn)).not.toThrow();
    }

    // She leaves: her presence is removed, and echoes of that removal cost nothing either.
    room.leave(colleague.conn);
    const departure = caretAfter(111, 21, { removed: true });
    for (let echo = 0; echo < 5; echo++) expect(() => room.applyClientAwareness(departure, echoer.conn)).not.toThrow();

    // Its own caret: twice the rate at once (2), then refused with the setting's name.
    room.applyClientAwareness(caretAfter(222, 1), echoer.conn);
    room.applyClientAwareness(caretAfter(222, 2), echoer.conn);
    expect(() => room.applyClientAwareness(caretAfter(222, 3), echoer.conn)).toThrow(OverBudget);
    expect(() => room.applyClientAwareness(caretAfter(222, 4), echoer.conn)).toThrow(/COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND/);
  });
});
