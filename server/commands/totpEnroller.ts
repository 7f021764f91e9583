import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";
import { totpValid } from "../auth/totp";
import { accountAuditWriter } from "./accountAuditWriter";
import { refuse, type CommandResult } from "./commandResult";

/**
 * Turns the second factor on: the code from the person's authenticator app proves the app holds
 * `secret` before it is required at sign-in.
 */
export async function totpEnroller(db: Db, { user, secret, code }: { user: User; secret: string; code: string }): Promise<CommandResult<object>> {
  if (user.totpSecret !== null) return refuse("conflict", "两步验证已经启用");
  if (!totpValid(secret, code)) return refuse("bad_request", "验证码不正确，请核对手机上的动态验证码");
  await db.transaction(async (tx) => {
    await tx.update(users).set({ totpSecret: secret }).where(eq(users.id, user.id));
    await accountAuditWriter(tx, { actorId: user.id, targetId: user.id, action: "totp_enabled" });
  });
  return { ok: true };
}
