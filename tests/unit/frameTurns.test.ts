import { describe, expect, it } from "vitest";
import { FrameTurns, TooManyQueuedFrames } from "../../server/collab/frameTurns";

const LIMITS = { framesPerTurn: 3, maxQueuedFrames: 5, maxQueuedBytes: 100 };
const frame = (id: number, bytes = 1) => Uint8Array.of(id, ...new Array<number>(bytes - 1).fill(0));
/** Lets every turn that is due run (each turn is a setImmediate). */
const turnsPass = (count: number) =>
  Array.from({ length: count }).reduce<Promise<void>>((done) => done.then(() => new Promise((resolve) => setImmediate(resolve))), Promise.resolve());

describe("sockets sharing the event loop (frameTurns.ts)", () => {
  it("handles a socket's frames as they arrive up to its share, then in turns, in order", async () => {
    const turns = new FrameTurns(LIMITS);
    const handled: number[] = [];
    const queue = turns.queueFor((f) => handled.push(f[0]!));
    for (let id = 1; id <= 5; id++) queue.push(frame(id));
    expect(handled).toEqual([1, 2, 3]);
    expect(queue.size).toBe(2);
    await turnsPass(1);
    expect(handled).toEqual([1, 2, 3, 4, 5]);
    // Nothing waits any more: the next frame is handled at once again.
    queue.push(frame(6));
    expect(handled).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("lets a colleague's frame through between the turns of a socket's long burst", async () => {
    const turns = new FrameTurns({ ...LIMITS, maxQueuedFrames: 100 });
    const handled: string[] = [];
    const burst = turns.queueFor((f) => handled.push(`burst ${f[0]}`));
    const colleague = turns.queueFor((f) => handled.push(`colleague ${f[0]}`));
    for (let id = 1; id <= 12; id++) burst.push(frame(id));
    colleague.push(frame(1));
    expect(handled.indexOf("colleague 1")).toBe(3);
    const ofBurst = () => handled.filter((h) => h.startsWith("burst"));
    // One share of the burst per turn: the loop polls I/O between them.
    await turnsPass(1);
    expect(ofBurst()).toHaveLength(6);
    await turnsPass(2);
    expect(ofBurst()).toEqual(Array.from({ length: 12 }, (_, i) => `burst ${i + 1}`));
  });

  it("takes the waiting sockets in turn, a share each", async () => {
    const turns = new FrameTurns({ ...LIMITS, framesPerTurn: 1, maxQueuedFrames: 100 });
    const handled: string[] = [];
    const a = turns.queueFor((f) => handled.push(`a${f[0]}`));
    const b = turns.queueFor((f) => handled.push(`b${f[0]}`));
    for (let id = 1; id <= 3; id++) a.push(frame(id));
    for (let id = 1; id <= 3; id++) b.push(frame(id));
    expect(handled).toEqual(["a1", "b1"]);
    await turnsPass(1);
    expect(handled).toEqual(["a1", "b1", "a2", "b2"]);
    await turnsPass(1);
    expect(handled).toEqual(["a1", "b1", "a2", "b2", "a3", "b3"]);
  });

  it("refuses past the waiting frames or bytes a socket may have, naming the setting", () => {
    const turns = new FrameTurns(LIMITS);
    const queue = turns.queueFor(() => {});
    for (let id = 1; id <= 3 + 5; id++) queue.push(frame(id));
    expect(() => queue.push(frame(9))).toThrow(TooManyQueuedFrames);
    expect(() => queue.push(frame(9))).toThrow(/COLLAB_MAX_QUEUED_FRAMES/);

    const bytes = new FrameTurns(LIMITS).queueFor(() => {});
    for (let id = 1; id <= 3; id++) bytes.push(frame(id));
    bytes.push(frame(4, 60));
    expect(() => bytes.push(frame(5, 41))).toThrow(/COLLAB_MAX_QUEUED_FRAME_BYTES/);
    turns.stop();
  });

  it("drops what waits when the socket closes, and does not handle it later", async () => {
    const turns = new FrameTurns(LIMITS);
    const handled: number[] = [];
    const queue = turns.queueFor((f) => handled.push(f[0]!));
    for (let id = 1; id <= 5; id++) queue.push(frame(id));
    queue.clear();
    await turnsPass(2);
    expect(handled).toEqual([1, 2, 3]);
  });
});
