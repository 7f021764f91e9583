import "server-only";
import { sql } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { articleUpdates } from "../../db/schema";
import { applyInChunks } from "./foldUpdates";
import type { LogRange } from "./logRows";
import { verbatimDoc } from "./verbatimDoc";

/** Log rows read per statement while folding a tail: bounds the memory of one read. */
const ROWS_PER_READ = 20_000;

/** A base state with the log rows after it applied, and what those rows were. */
export interface FoldedTail {
  /** The merged state, or null when there is neither a base nor a row. */
  state: Uint8Array | null;
  /** The last row read (null: none). */
  lastId: number | null;
  rows: number;
  bytes: number;
}

/**
 * One read of up to `limit` rows, packed by the database into one value (each update prefixed
 * by its length as four bytes, big-endian): one value to decode instead of thousands of rows,
 * which is most of the cost of reading a long tail, on PGlite above all.
 */
async function readPacked(db: Db, articleId: string, after: number, upTo: number | undefined, limit: number) {
  const result = await db.execute(sql`select count(*)::int as rows, max(id)::text as last_id,
      coalesce(sum(octet_length(bytes)), 0)::text as bytes,
      coalesce(string_agg(int4send(octet_length(bytes)) || bytes, ''::bytea order by id), ''::bytea) as packed
    from (select id, "update" as bytes from ${articleUpdates}
      where article_id = ${articleId} and id > ${after} ${upTo === undefined ? sql`` : sql`and id <= ${upTo}`}
      order by id limit ${limit}) tail`);
  const [row] = (result as unknown as { rows: { rows: number; last_id: string | null; bytes: string; packed: Uint8Array }[] }).rows;
  return { rows: Number(row.rows), lastId: row.last_id === null ? null : Number(row.last_id), bytes: Number(row.bytes), packed: row.packed };
}

/** Splits a packed read back into its updates (views, no copies). */
function unpack(packed: Uint8Array): Uint8Array[] {
  const view = new DataView(packed.buffer, packed.byteOffset, packed.byteLength);
  const parts: Uint8Array[] = [];
  for (let offset = 0; offset < packed.byteLength; ) {
    const length = view.getInt32(offset);
    parts.push(packed.subarray(offset + 4, offset + 4 + length));
    offset += 4 + length;
  }
  return parts;
}

/**
 * Applies the log rows in `range` to `base`, reading them in bounded packed chunks and folding
 * each as it comes: time linear in the rows (applying to a document, never `Y.mergeUpdates`,
 * whose cost grows with the square of their number), memory bounded by one chunk plus the
 * document, and the event loop gets a turn between chunks. A lone base or a lone row is
 * returned as it is.
 */
export async function foldLogTail(db: Db, articleId: string, base: Uint8Array | null, range: LogRange): Promise<FoldedTail> {
  let doc: Y.Doc | null = null;
  let single: Uint8Array | null = base;
  const folded: FoldedTail = { state: null, lastId: null, rows: 0, bytes: 0 };
  let after = range.after ?? 0;
  for (;;) {
    const read = await readPacked(db, articleId, after, range.upTo, ROWS_PER_READ);
    if (read.rows === 0) break;
    folded.rows += read.rows;
    folded.bytes += read.bytes;
    folded.lastId = read.lastId;
    after = read.lastId ?? after;
    const parts = unpack(read.packed);
    if (!doc && single === null && parts.length === 1 && read.rows < ROWS_PER_READ) {
      single = parts[0];
      break;
    }
    if (!doc) {
      doc = verbatimDoc();
      if (single) Y.applyUpdate(doc, single);
    }
    await applyInChunks(doc, parts);
    if (read.rows < ROWS_PER_READ) break;
  }
  if (!doc) return { ...folded, state: single };
  folded.state = Y.encodeStateAsUpdate(doc);
  doc.destroy();
  return folded;
}
