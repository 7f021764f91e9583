import type { BenchClient } from "../clients/benchClient";
import type { ServerProbe } from "../probe/probeClient";

/** Our server on one backend, one process. */
export type OurBaseKind = "ours-pglite" | "ours-postgres";
/** Our server as several processes on one PostgreSQL database and one Redis (scale-out). */
export type OurClusterKind = "ours-cluster-2" | "ours-cluster-3";
/**
 * Our server with extra environment (`--variant NAME=VALUE`), measured in the same run as the
 * default: "ours-pglite+COLLAB_COMMIT_DELAY_MS=0".
 */
export type OurVariantKind = `${OurBaseKind}+${string}`;

/** The servers compared in one run. */
export type ServerKind = OurBaseKind | OurVariantKind | OurClusterKind | "y-websocket" | "hocuspocus";

/** Human names used in tables (see serverLabel for variants). */
export const SERVER_LABELS: Record<OurBaseKind | OurClusterKind | "y-websocket" | "hocuspocus", string> = {
  "ours-pglite": "ours (PGlite)",
  "ours-postgres": "ours (PostgreSQL)",
  "ours-cluster-2": "ours, 2 processes (PostgreSQL + Redis)",
  "ours-cluster-3": "ours, 3 processes (PostgreSQL + Redis)",
  "y-websocket": "y-websocket 2.1.0",
  hocuspocus: "Hocuspocus 4.7.0 + SQLite",
};

/** A variant kind's base and extra environment; null for every other kind. */
export function parseVariant(kind: ServerKind): { base: OurBaseKind; env: Record<string, string> } | null {
  const plus = kind.indexOf("+");
  if (plus < 0) return null;
  const base = kind.slice(0, plus);
  if (base !== "ours-pglite" && base !== "ours-postgres") throw new Error(`a variant needs our single-process server: ${kind}`);
  const env: Record<string, string> = {};
  for (const pair of kind.slice(plus + 1).split(",")) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`variant settings are NAME=VALUE: ${kind}`);
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { base, env };
}

/** The name of a server kind in tables and logs. */
export function serverLabel(kind: ServerKind): string {
  const variant = parseVariant(kind);
  if (!variant) return SERVER_LABELS[kind as keyof typeof SERVER_LABELS] ?? kind;
  const settings = Object.entries(variant.env).map(([k, v]) => `${k}=${v}`);
  return `${SERVER_LABELS[variant.base].replace(/\)$/, "")}, ${settings.join(", ")})`;
}

/** Kinds that are our server (any backend, variant or cluster). */
export const isOurs = (kind: ServerKind): boolean => kind.startsWith("ours");

/** Kinds that are one process of our server (a backend or a variant of it), not a cluster. */
export const isSingleOurs = (kind: ServerKind): kind is OurBaseKind | OurVariantKind => isOurs(kind) && !kind.startsWith("ours-cluster");

/** A server running in its own (pinned) child process(es), with its probe(s) attached. */
export interface ServerUnderTest {
  readonly kind: ServerKind;
  /** The (first) server process. */
  readonly pid: number;
  /** The probe of the server process; for a cluster, all of them read together (ProbeGroup). */
  readonly probe: ServerProbe;
  /** A fresh, empty document to work in (ours: a story created over HTTP by a signed-in user). */
  newDocument(title?: string): Promise<string>;
  /**
   * A client of this server for `docName`; `seat` picks the account (ours signs in 4 people)
   * and, for a cluster, the process (round-robin by seat).
   */
  connect(docName: string, seat: number): BenchClient;
  /**
   * The body text the server has stored for the document (ours: GET /api/articles/:id), or
   * null when the server offers no way to read it without being a client.
   */
  storedText(docName: string): Promise<string | null>;
  /** What the server process(es) printed (for failure reports). */
  output(): string;
  stop(): Promise<void>;
}
