import { performance } from "node:perf_hooks";
import type { BenchClient } from "../clients/benchClient";
import type { Keystroke } from "./typist";

/**
 * Time from a keystroke to the "saved" message (type 100) whose committed state vector covers
 * it, per typist, on this process's clock.
 */
export class SaveLatency {
  readonly samples: number[] = [];
  private readonly pending = new Map<BenchClient, Keystroke[]>();

  watch(client: BenchClient): void {
    const queue: Keystroke[] = [];
    this.pending.set(client, queue);
    client.onSaved((saved) => {
      const now = performance.now();
      const committed = saved.get(client.doc.clientID) ?? 0;
      let done = 0;
      while (done < queue.length && queue[done].clockAfter <= committed) {
        this.samples.push(now - queue[done].startedAt);
        done++;
      }
      if (done > 0) queue.splice(0, done);
    });
  }

  recordSend(client: BenchClient, keystroke: Keystroke): void {
    this.pending.get(client)?.push(keystroke);
  }

  /** Keystrokes not yet acknowledged. */
  get unacknowledged(): number {
    let n = 0;
    for (const queue of this.pending.values()) n += queue.length;
    return n;
  }
}
