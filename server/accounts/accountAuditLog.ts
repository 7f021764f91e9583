import "server-only";
import { desc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../../db/client";
import { accountAudit, users } from "../../db/schema";

/** One line of the account audit log, with the people named. */
export interface AccountAuditLine {
  id: number;
  at: string;
  /** Username of who did it; null for the command line. */
  actor: string | null;
  target: string;
  action: string;
  detail: Record<string, unknown>;
}

/** The newest `limit` entries of the account audit log, newest first. */
export async function accountAuditLog(db: Db, limit: number): Promise<AccountAuditLine[]> {
  const actors = alias(users, "actors");
  const rows = await db
    .select({
      id: accountAudit.id,
      at: accountAudit.createdAt,
      actor: actors.username,
      target: users.username,
      action: accountAudit.action,
      detail: accountAudit.detail,
    })
    .from(accountAudit)
    .innerJoin(users, eq(users.id, accountAudit.targetId))
    .leftJoin(actors, eq(actors.id, accountAudit.actorId))
    .orderBy(desc(accountAudit.id))
    .limit(limit);
  return rows.map((row) => ({ ...row, at: row.at.toISOString(), detail: (row.detail ?? {}) as Record<string, unknown> }));
}
