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
