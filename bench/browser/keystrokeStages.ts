import { percentile } from "../lib/stats";

/**
 * One keystroke's path from page A to page B, split at the moments recorded on the way
 * (pageProbes.ts in the pages, socketFrames.ts in Chromium's network service): A's keydown,
 * A's send of the Yjs update, the network service putting it on the socket, the network
 * service reading the relayed update from B's socket, B taking it up, B's DOM showing the
 * text, and the frame that paints it.
 */
export interface KeystrokeStages {
  /** keydown → update sent: ProseMirror, y-prosemirror, Yjs and our plugins on A. */
  typing: number;
  /** On A's socket → read from B's socket: the server (receive, commit, relay) and loopback. */
  server: number;
  /** Of that, on A's socket → A's socket reads the first "saved" after it: the commit's round trip. */
  saved: number;
  /**
   * The rest of A's send → B taking it up: the hops between the renderers and the browser's
   * network service, and B's event loop being free.
   */
  hops: number;
  /** B takes it up → B's DOM changed: Yjs, y-prosemirror, ProseMirror and our plugins on B. */
  apply: number;
  /** B's DOM changed → the frame that paints it. */
  paint: number;
}

/** The legs that add up to the keystroke's time ("saved" is part of "server"). */
export const STAGE_NAMES: (keyof KeystrokeStages)[] = ["typing", "server", "hops", "apply", "paint"];

export interface KeystrokeMarks {
  /** A's keydowns, and the updates A's page sent (the pages' clock). */
  keydowns: number[];
  sent: number[];
  /** The same updates put on A's socket, and the updates read from B's socket (the browser's monotonic clock). */
  sentOnSocket: number[];
  readFromSocket: number[];
  /** The "saved" messages read from A's socket (monotonic). */
  savedOnSocket: number[];
  /** The updates B's page took up, one per frame read (the pages' clock). */
  received: number[];
  /** Per keystroke: B's DOM showing it, and the frame painting it (the pages' clock). */
  changed: number[];
  painted: number[];
}

/** Index of the first time in a sorted list at or after `t` (-1 if none). */
function firstAtOrAfter(times: number[], t: number): number {
  return times.findIndex((at) => at >= t);
}

/**
 * Splits each keystroke's time at the recorded moments. Each page's n-th update is its
 * network service's n-th frame, so the two clocks are never compared; on the way through the
 * server the first frame read after the send is taken (the server may relay several
 * keystrokes in one message).
 */
export function keystrokeStages(marks: KeystrokeMarks): KeystrokeStages[] {
  return marks.keydowns.map((down, i) => {
    const send = firstAtOrAfter(marks.sent, down);
    const onSocket = marks.sentOnSocket[send] ?? Number.NaN;
    const read = firstAtOrAfter(marks.readFromSocket, onSocket);
    const take = marks.received[read] ?? Number.NaN;
    const server = read < 0 ? Number.NaN : marks.readFromSocket[read] - onSocket;
    const sentAt = marks.sent[send] ?? Number.NaN;
    const saved = firstAtOrAfter(marks.savedOnSocket, onSocket);
    return {
      typing: sentAt - down,
      server,
      saved: saved < 0 ? Number.NaN : marks.savedOnSocket[saved] - onSocket,
      hops: take - sentAt - server,
      apply: marks.changed[i] - take,
      paint: marks.painted[i] - marks.changed[i],
    };
  });
}

/** "typing p50 2.1 / p99 8.0 ms; server …", and the average split of the slowest 2% keystrokes. */
export function summarizeStages(stages: KeystrokeStages[]): string {
  const valid = stages.filter((s) => STAGE_NAMES.every((k) => Number.isFinite(s[k])) && Number.isFinite(s.saved));
  const parts = [...STAGE_NAMES.slice(0, 2), "saved" as const, ...STAGE_NAMES.slice(2)].map((k) => {
    const values = valid.map((s) => s[k]);
    return `${k} p50 ${percentile(values, 50).toFixed(1)} / p99 ${percentile(values, 99).toFixed(1)} ms`;
  });
  const total = (s: KeystrokeStages) => STAGE_NAMES.reduce((sum, k) => sum + s[k], 0);
  const slowest = [...valid].sort((a, b) => total(b) - total(a)).slice(0, Math.max(1, Math.ceil(valid.length / 50)));
  const slowSplit = STAGE_NAMES.map((k) => `${k} ${(slowest.reduce((sum, s) => sum + s[k], 0) / slowest.length).toFixed(0)}`).join(", ");
  return `${parts.join("; ")} (${valid.length}/${stages.length} keystrokes split; slowest ${slowest.length}: ${slowSplit} ms)`;
}
