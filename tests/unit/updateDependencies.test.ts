import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { standingOf } from "../../server/collab/updateDependencies";

/** A story the server has, and a colleague (client id 11) who typed "abcd" in it. */
function story() {
  const colleague = new Y.Doc();
  colleague.clientID = 11;
  colleague.getText("t").insert(0, "abcd");
  const server = new Y.Doc({ gc: false });
  Y.applyUpdate(server, Y.encodeStateAsUpdate(colleague));
  return { server, colleague };
}

const standing = (doc: Y.Doc, update: Uint8Array) => standingOf(doc, Y.decodeUpdate(update));

/** An update that only deletes clocks [clock, clock + len) of `client`. */
function deleteOnly(client: number, clock: number, len: number): Uint8Array {
  // A scratch document with that client's clocks, whose delete produces exactly such an update.
  const scratch = new Y.Doc({ gc: false });
  scratch.clientID = client;
  scratch.getText("t").insert(0, "x".repeat(clock + len));
  let update: Uint8Array | null = null;
  scratch.on("update", (u: Uint8Array) => (update = u));
  scratch.getText("t").delete(clock, len);
  return update!;
}

describe("standingOf", () => {
  it("finds nothing missing in a colleague's next keystroke", () => {
    const { server, colleague } = story();
    let update: Uint8Array | null = null;
    colleague.on("update", (u: Uint8Array) => (update = u));
    colleague.getText("t").insert(4, "e");
    expect(standing(server, update!)).toEqual({ waitsFor: null, deletesAheadIn: [] });
  });

  it("names the clock a struct starting ahead waits for", () => {
    const { server, colleague } = story();
    colleague.getText("t").insert(4, "efgh"); // never sent
    let update: Uint8Array | null = null;
    colleague.on("update", (u: Uint8Array) => (update = u));
    colleague.getText("t").insert(8, "i");
    expect(standing(server, update!).waitsFor).toEqual({ client: 11, clock: 8 });
  });

  it("flags a delete of content the story does not have yet, and how far it must reach", () => {
    const { server } = story();
    // Clocks 4..104 of the colleague: she has typed only 0..3.
    const ahead = deleteOnly(11, 4, 100);
    expect(standing(server, ahead)).toEqual({ waitsFor: { client: 11, clock: 104 }, deletesAheadIn: [11] });
    // A delete of what the story has is fine.
    expect(standing(server, deleteOnly(11, 1, 2))).toEqual({ waitsFor: null, deletesAheadIn: [] });
  });
});
