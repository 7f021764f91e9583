import { performance } from "node:perf_hooks";
import type * as Y from "yjs";

interface SendLog {
  /** The sender's clock after each measured edit, ascending. */
  clocks: number[];
  /** performance.now() when that edit was made. */
  times: number[];
}

/**
 * Latency from a typist's local change to each other client's observe, on this process's one
 * clock. An edit counts as delivered to a peer once the peer's state vector for the typist
 * reaches the clock the edit ended at, which is when Yjs has integrated it (an update that
 * arrives before its dependencies is not counted until they arrive too).
 */
export class DeliveryLatency {
  private readonly sent = new Map<number, SendLog>();
  readonly samples: number[] = [];

  /** Records an edit the typist `doc` has just made (call right after its transaction). */
  recordSend(doc: Y.Doc, startedAt: number, clockAfter: number): void {
    let log = this.sent.get(doc.clientID);
    if (!log) this.sent.set(doc.clientID, (log = { clocks: [], times: [] }));
    log.clocks.push(clockAfter);
    log.times.push(startedAt);
  }

  /** Starts observing a receiving client; returns the function that stops it. */
  watch(doc: Y.Doc): () => void {
    const cursor = new Map<number, number>();
    const onTransaction = (tr: Y.Transaction) => {
      if (tr.local) return;
      const now = performance.now();
      tr.afterState.forEach((clock, client) => {
        if (tr.beforeState.get(client) === clock) return;
        const log = this.sent.get(client);
        if (!log) return;
        let i = cursor.get(client) ?? 0;
        while (i < log.clocks.length && log.clocks[i] <= clock) {
          this.samples.push(now - log.times[i]);
          i++;
        }
        cursor.set(client, i);
      });
    };
    doc.on("afterTransaction", onTransaction);
    return () => doc.off("afterTransaction", onTransaction);
  }

  /** Edits made so far. */
  get sentCount(): number {
    let n = 0;
    for (const log of this.sent.values()) n += log.clocks.length;
    return n;
  }
}
