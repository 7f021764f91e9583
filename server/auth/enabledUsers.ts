import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";

/** Every account that may sign in (the names on timelines, the byline's candidates). */
export async function listEnabledUsers(db: Db): Promise<User[]> {
  return db.select().from(users).where(eq(users.disabled, false));
}
