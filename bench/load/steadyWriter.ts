import { performance } from "node:perf_hooks";
import * as Y from "yjs";
import type { BenchClient } from "../clients/benchClient";

/**
 * A client that makes about one small edit per second into its own paragraph (no caret):
 * the background hum of many open stories, not a burst.
 */
export class SteadyWriter {
  private readonly text = new Y.XmlText();
  written = "";

  constructor(readonly client: BenchClient) {
    const paragraph = new Y.XmlElement("paragraph");
    client.doc.transact(() => {
      paragraph.insert(0, [this.text]);
      client.doc.getXmlFragment("body").push([paragraph]);
    });
  }

  /** Writes one character every `intervalMs` (random phase) until `durationMs` has passed. */
  writeFor(intervalMs: number, durationMs: number, onWrite: (startedAt: number, clockAfter: number) => void): Promise<void> {
    const end = performance.now() + durationMs;
    const { doc } = this.client;
    return new Promise((resolve) => {
      const tick = () => {
        if (performance.now() >= end) return resolve();
        const startedAt = performance.now();
        doc.transact(() => this.text.insert(this.text.length, "字"));
        this.written += "字";
        onWrite(startedAt, Y.getState(doc.store, doc.clientID));
        setTimeout(tick, intervalMs);
      };
      setTimeout(tick, Math.random() * intervalMs);
    });
  }
}
