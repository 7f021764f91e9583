import "server-only";
import { getDb } from "../../db/client";
import type { User } from "../../db/schema";
import { findActiveUser } from "./activeUser";
import { auth } from "./authConfig";

/**
 * The signed-in, enabled user for this request, read fresh from the database (a disabled
 * account loses access at once, whatever its cookie says), or null.
 */
export async function currentUser(): Promise<User | null> {
  const session = await auth();
  const id = (session?.user as { id?: string } | undefined)?.id;
  return id ? findActiveUser(getDb(), id) : null;
}
