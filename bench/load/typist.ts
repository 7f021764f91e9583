import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import type { BenchClient } from "../clients/benchClient";

/** Characters a reporter here types: Chinese text, one UTF-16 unit each. */
const ALPHABET = "新闻记者通讯员长沙报道红网今日发布消息城市交通教育文化经济社会";

export interface Keystroke {
  startedAt: number;
  /** The typist's own clock after the edit: the edit is known everywhere once peers reach it. */
  clockAfter: number;
  /** Size of the Yjs update the keystroke produced. */
  updateBytes: number;
}

/**
 * A person typing into their own paragraph of the story body at a steady rate, with a caret:
 * every keystroke also moves their awareness cursor, as Tiptap's collaboration caret does.
 */
export class Typist {
  private readonly text: Y.XmlText;
  private timer: NodeJS.Timeout | null = null;
  private lastUpdateBytes = 0;
  /** What this typist has typed, to check it arrived everywhere. */
  typed = "";

  constructor(
    readonly client: BenchClient,
    readonly name: string,
  ) {
    const { doc } = client;
    const paragraph = new Y.XmlElement("paragraph");
    this.text = new Y.XmlText();
    // Its own paragraph at the end of the body; made before the measured window starts.
    doc.transact(() => {
      paragraph.insert(0, [this.text]);
      doc.getXmlFragment("body").push([paragraph]);
    });
    doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin === null || origin === undefined) this.lastUpdateBytes = update.byteLength;
    });
  }

  /** One keystroke: the edit, then the caret after it. */
  type(): Keystroke {
    const { doc, awareness } = this.client;
    const ch = ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
    const startedAt = performance.now();
    doc.transact(() => this.text.insert(this.text.length, ch));
    const clockAfter = Y.getState(doc.store, doc.clientID);
    this.typed += ch;
    const caret = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(this.text, this.text.length));
    awareness.setLocalStateField("cursor", { anchor: caret, head: caret });
    return { startedAt, clockAfter, updateBytes: this.lastUpdateBytes };
  }

  /**
   * Types `charsPerSecond` for `durationMs`, starting at a random phase so typists do not
   * all hit the same millisecond. Resolves when done.
   */
  typeFor(charsPerSecond: number, durationMs: number, onKeystroke: (k: Keystroke) => void): Promise<void> {
    const interval = 1000 / charsPerSecond;
    const end = performance.now() + durationMs;
    return new Promise((resolve) => {
      const tick = () => {
        if (performance.now() >= end) {
          this.timer = null;
          resolve();
          return;
        }
        onKeystroke(this.type());
        this.timer = setTimeout(tick, interval);
      };
      this.timer = setTimeout(tick, Math.random() * interval);
    });
  }

  /** Types until stopped (saturation: typists are added while earlier ones keep going). */
  start(charsPerSecond: number, onKeystroke: (k: Keystroke) => void): void {
    const interval = 1000 / charsPerSecond;
    const tick = () => {
      onKeystroke(this.type());
      this.timer = setTimeout(tick, interval);
    };
    this.timer = setTimeout(tick, Math.random() * interval);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
