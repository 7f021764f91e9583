import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";
import { totpValid } from "../auth/totp";
import { accountAuditWriter } from "./accountAuditWriter";
import { refuse, type CommandResult } from "./commandResult";

/** Turns the second factor off, with a current code (a stolen session alone cannot). */
export async function totpRemover(db: Db, { user, code }: { user: User; code: string }): Promise<CommandResult<object>> {
  if (user.totpSecret === null) return refuse("conflict", "两步验证没有启用");
  if (!totpValid(user.totpSecret, code)) return refuse("bad_request", "验证码不正确");
  await db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecret: null }).where(eq(users.id, user.id));
    await accountAuditWriter(tx, { actorId: user.id, targetId: user.id, action: "totp_disabled" });
  });
  return { ok: true };
}
