// Sync step 1 answers wait for the commits of what the story holds (a client never gets an
// edit the server could still lose). They are held as a state vector, one per connection, and
// encoded from committed content only when released.
import { describe, expect, it } from "vitest";
import * as Y from "yjs";
import { roomWithManualCommits, testConnection as connection, typist } from "../support/manualRoom";

const bodyOf = (doc: Y.Doc) => doc.getXmlFragment("body").toString();
const emptyVector = () => Y.encodeStateVector(new Y.Doc());

describe("held sync answers", () => {
  it("are answered at once when everything is committed", () => {
    const { room } = roomWithManualCommits();
    const reader = connection("reader");
    room.join(reader.conn);
    room.answerSyncStep1(reader.conn, emptyVector());
    expect(reader.answers).toHaveLength(1);
  });

  it("keep one per connection, the newest, and hold only committed content", () => {
    const { room, commit } = roomWithManualCommits();
    const writer = connection("writer");
    const reader = connection("reader");
    room.join(writer.conn);
    room.join(reader.conn);
    const t = typist();
    room.applyClientUpdate(t.first, writer.conn);
    room.applyClientUpdate(t.type("已存"), writer.conn);
    for (let i = 0; i < 10; i++) room.answerSyncStep1(reader.conn, emptyVector());
    // Typed after the requests, and not committed when the answer leaves.
    room.applyClientUpdate(t.type("未存"), writer.conn);
    expect(reader.answers).toHaveLength(0);
    commit(2);
    expect(reader.answers).toHaveLength(1);
    expect(bodyOf(reader.answers[0])).toContain("已存");
    expect(bodyOf(reader.answers[0])).not.toContain("未存");
    commit(1);
    expect(reader.answers).toHaveLength(1);
  });

  it("are dropped when their connection leaves", () => {
    const { room, commit } = roomWithManualCommits();
    const writer = connection("writer");
    const reader = connection("reader");
    room.join(writer.conn);
    room.join(reader.conn);
    room.applyClientUpdate(typist().first, writer.conn);
    room.answerSyncStep1(reader.conn, emptyVector());
    room.leave(reader.conn);
    room.join(reader.conn); // the same object back: a left request must not be answered
    commit(1);
    expect(reader.answers).toHaveLength(0);
  });
});
