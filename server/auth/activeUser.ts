import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";

/** The user behind a session, or null when the account is gone or disabled. */
export async function findActiveUser(db: Db, userId: string): Promise<User | null> {
  if (!/^[0-9a-f-]{36}$/i.test(userId)) return null;
  const [user] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return user && !user.disabled ? user : null;
}

/**
 * Whether `user` may work in the newsroom now: someone still holding a temporary password must
 * choose their own first, so the admin who handed it over cannot work under their name.
 */
export function mayWork(user: User | null): user is User {
  return user !== null && !user.mustChangePassword;
}

/** The user behind a session who may work now (enabled, own password chosen), or null. */
export async function findWorkingUser(db: Db, userId: string): Promise<User | null> {
  const user = await findActiveUser(db, userId);
  return mayWork(user) ? user : null;
}
