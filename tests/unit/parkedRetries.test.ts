// Parked updates are looked at again only once the story has what they wait for: a socket
// holding its parking budget of dense updates no longer makes each of its keystrokes re-decode
// them all (review of issue 10: ~200 ms per keystroke at 2 MB parked).
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { roomWithManualCommits, testConnection, typist } from "../support/manualRoom";

describe("parked updates", () => {
  it("are not decoded again while what they wait for has not arrived", () => {
    const { room } = roomWithManualCommits();
    // A byte budget a single re-decode of everything parked would exhaust.
    const sender = testConnection("writer", { updateBytesPerSecond: 40_000, accountUpdateBytesPerSecond: 40_000, maxPendingBytes: 64 * 1024 });
    room.join(sender.conn);
    // Dense updates under a client id whose first struct the story never gets.
    const absent = typist(424_242);
    const parkedUpdates = [1, 2, 3].map(() => absent.type("密".repeat(6000)));
    for (const update of parkedUpdates) room.applyClientUpdate(update, sender.conn);
    const parkedBytes = parkedUpdates.reduce((sum, u) => sum + u.byteLength, 0);
    const own = typist();
    room.applyClientUpdate(own.first, sender.conn);
    const keystrokes = 500;
    const started = performance.now();
    for (let i = 0; i < keystrokes; i++) room.applyClientUpdate(own.type("字"), sender.conn);
    const perKeystroke = (performance.now() - started) / keystrokes;
    console.log(`[figures] parked updates: ${parkedBytes} B parked, ${keystrokes} keystrokes after, ${perKeystroke.toFixed(3)} ms each`);
    expect(sender.closed).toEqual([]);
    expect(room.doc.getXmlFragment("body").toString()).toContain("字".repeat(keystrokes));
    expect(room.doc.getXmlFragment("body").toString()).not.toContain("密");
  });

  it("move as soon as another connection brings what they wait for, and a retry that is refused closes only its own socket", () => {
    const { room } = roomWithManualCommits();
    const waiting = testConnection("waiting");
    const forger = testConnection("forger");
    const bringer = testConnection("bringer");
    for (const c of [waiting, forger, bringer]) room.join(c.conn);
    const colleague = typist();
    const words = colleague.type("先到");
    // Typed into her paragraph before the server has it.
    const next = new Y.Doc();
    Y.applyUpdate(next, colleague.first);
    Y.applyUpdate(next, words);
    let reply: Uint8Array | null = null;
    next.on("update", (u: Uint8Array) => (reply = u));
    ((next.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText).insert(2, "后到");
    room.applyClientUpdate(reply!, waiting.conn);
    // A delete of her words before the story has them, from someone else: waits, then refused.
    const scratch = new Y.Doc({ gc: false });
    Y.applyUpdate(scratch, colleague.first);
    Y.applyUpdate(scratch, words);
    let deletion: Uint8Array | null = null;
    scratch.on("update", (u: Uint8Array) => (deletion = u));
    ((scratch.getXmlFragment("body").get(0) as Y.XmlElement).get(0) as Y.XmlText).delete(0, 2);
    room.applyClientUpdate(deletion!, forger.conn);
    expect(room.doc.getXmlFragment("body").toString()).toBe("");
    room.applyClientUpdate(colleague.first, bringer.conn);
    room.applyClientUpdate(words, bringer.conn);
    expect(room.doc.getXmlFragment("body").toString()).toContain("先到后到");
    expect(waiting.closed).toEqual([]);
    expect(bringer.closed).toEqual([]);
    expect(forger.closed).toEqual([{ code: 4400, reason: expect.stringContaining("deletes content") }]);
  });
});
