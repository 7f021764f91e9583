import type { BenchClient } from "../clients/benchClient";
import type { Probe } from "../probe/probeClient";

/** The servers compared in one run. */
export type ServerKind = "ours-pglite" | "ours-postgres" | "y-websocket" | "hocuspocus";

/** Human names used in tables. */
export const SERVER_LABELS: Record<ServerKind, string> = {
  "ours-pglite": "ours (PGlite)",
  "ours-postgres": "ours (PostgreSQL)",
  "y-websocket": "y-websocket 2.1.0",
  hocuspocus: "Hocuspocus 4.7.0 + SQLite",
};

/** A server running in its own (pinned) child process, with its probe attached. */
export interface ServerUnderTest {
  readonly kind: ServerKind;
  readonly pid: number;
  readonly probe: Probe;
  /** A fresh, empty document to work in (ours: a story created over HTTP by a signed-in user). */
  newDocument(title?: string): Promise<string>;
  /** A client of this server for `docName`; `seat` picks the account (ours signs in 4 people). */
  connect(docName: string, seat: number): BenchClient;
  /**
   * The body text the server has stored for the document (ours: GET /api/articles/:id), or
   * null when the server offers no way to read it without being a client.
   */
  storedText(docName: string): Promise<string | null>;
  /** What the server process printed (for failure reports). */
  output(): string;
  stop(): Promise<void>;
}
