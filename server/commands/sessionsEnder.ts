import "server-only";
import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import { endSessionsOf } from "../auth/accountSessions";
import { accountAuditWriter } from "./accountAuditWriter";

/** "Sign out everywhere": every session of the account ends, this one included. */
export async function sessionsEnder(db: Db, { user }: { user: User }): Promise<{ ended: number }> {
  await accountAuditWriter(db, { actorId: user.id, targetId: user.id, action: "signed_out_everywhere" });
  return { ended: await endSessionsOf(db, user.id) };
}
