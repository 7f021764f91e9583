import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import * as Y from "yjs";
import { PROJECT_ROOT } from "../../tests/support/testServer";

/** `../shared/traces/automerge-paper.json.gz` (DESIGN.md §8): read from shared/, never copied. */
export const TRACE_PATH = path.resolve(PROJECT_ROOT, "..", "shared", "traces", "automerge-paper.json.gz");

export interface EditingTrace {
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

export function traceAvailable(): boolean {
  return fs.existsSync(TRACE_PATH);
}

export function readTrace(): EditingTrace {
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(TRACE_PATH)).toString("utf8")) as EditingTrace;
}

export const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** What replaying the first `edits` transactions gives, computed on a plain string. */
export function expectedText(trace: EditingTrace, edits: number): string {
  // Positions count code points; the paper is ASCII, which the full replay below checks.
  let text = trace.startContent;
  for (const txn of trace.txns.slice(0, edits)) {
    for (const [pos, del, ins] of txn.patches) text = text.slice(0, pos) + ins + text.slice(pos + del);
  }
  return text;
}

/**
 * Replays the trace into `doc` as a story body (one paragraph holding the text), one Yjs
 * transaction per trace transaction, so a provider sends (and our server stores) one update
 * per edit. `onEdit` runs after each one, for pacing.
 */
export async function replayTrace(
  doc: Y.Doc,
  trace: EditingTrace,
  edits: number,
  onEdit: (index: number) => void | Promise<void>,
): Promise<void> {
  const text = new Y.XmlText();
  doc.transact(() => {
    const paragraph = new Y.XmlElement("paragraph");
    paragraph.insert(0, [text]);
    const body = doc.getXmlFragment("body");
    // Our server seeds an empty paragraph; the trace's paragraph replaces it.
    if (body.length > 0) body.delete(0, body.length);
    body.insert(0, [paragraph]);
    if (trace.startContent) text.insert(0, trace.startContent);
  });
  const txns = trace.txns.slice(0, edits);
  for (let i = 0; i < txns.length; i++) {
    doc.transact(() => {
      for (const [pos, del, ins] of txns[i].patches) {
        if (del > 0) text.delete(pos, del);
        if (ins) text.insert(pos, ins);
      }
    });
    await onEdit(i);
  }
}
