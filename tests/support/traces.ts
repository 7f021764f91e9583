import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { PROJECT_ROOT } from "./testServer";

/** An editing trace of ../shared/traces (DESIGN.md §8). */
export interface EditingTrace {
  startContent: string;
  endContent: string;
  txns: { patches: [number, number, string][] }[];
}

export const SHARED_DIR = path.resolve(PROJECT_ROOT, "..", "shared");

/**
 * Reads a trace from ../shared/traces, or null when the folder is not there (a user's fresh
 * clone): the caller skips with one line saying so; under CI_REQUIRE_ALL=1 that is a failure.
 */
export function readTrace(name: string): EditingTrace | null {
  const file = path.join(SHARED_DIR, "traces", `${name}.json.gz`);
  if (!fs.existsSync(file)) {
    const message = `trace ${name} not found in ${path.dirname(file)}: tests that replay it are skipped`;
    if (process.env.CI_REQUIRE_ALL === "1") throw new Error(message);
    console.warn(message);
    return null;
  }
  return JSON.parse(zlib.gunzipSync(fs.readFileSync(file)).toString("utf8")) as EditingTrace;
}

/** Plain-text replay of the first `count` transactions. */
export function replayText(trace: EditingTrace, count: number): string {
  let text = trace.startContent;
  for (const txn of trace.txns.slice(0, count)) {
    for (const [pos, del, ins] of txn.patches) text = text.slice(0, pos) + ins + text.slice(pos + del);
  }
  return text;
}
