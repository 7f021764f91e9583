import "server-only";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { articleClients } from "../../db/schema";
import type { ClientOwners } from "./storyStore";

export type { ClientOwners };

export async function loadClientOwners(db: Db, articleId: string): Promise<ClientOwners> {
  const rows = await db
    .select({ clientId: articleClients.clientId, userId: articleClients.userId })
    .from(articleClients)
    .where(eq(articleClients.articleId, articleId));
  return new Map(rows.map((r) => [r.clientId, r.userId]));
}

/** For each client id in an update, the clock its structs reach (exclusive). */
export function clientClocksOf(decoded: ReturnType<typeof Y.decodeUpdate>): Map<number, number> {
  const clocks = new Map<number, number>();
  for (const struct of decoded.structs) {
    const end = struct.id.clock + struct.length;
    clocks.set(struct.id.client, Math.max(clocks.get(struct.id.client) ?? 0, end));
  }
  return clocks;
}

/** Records the owners of client ids (first owner wins; a conflict changes nothing). */
export async function insertClientOwners(
  db: Db,
  articleId: string,
  owners: Iterable<readonly [number, string | null]>,
) {
  const values = [...owners].map(([clientId, userId]) => ({ articleId, clientId, userId }));
  if (values.length === 0) return;
  await db.insert(articleClients).values(values).onConflictDoNothing();
}

/** Owners of every client id in an update written outside a room (seed, first content). */
export async function recordUpdateOwner(db: Db, articleId: string, update: Uint8Array, userId: string | null) {
  const clients = clientClocksOf(Y.decodeUpdate(update)).keys();
  await insertClientOwners(db, articleId, [...clients].map((c) => [c, userId] as [number, string | null]));
}

