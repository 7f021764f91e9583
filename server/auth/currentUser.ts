import "server-only";
import { getDb } from "../../db/client";
import type { User } from "../../db/schema";
import { findActiveUser, mayWork } from "./activeUser";
import { auth } from "./authConfig";

/**
 * The signed-in, enabled user for this request, read fresh from the database (a disabled
 * account loses access at once, whatever its cookie says), even while a temporary password
 * still has to be replaced: only the password pages ask for that.
 */
export async function signedInUser(): Promise<User | null> {
  const id = await sessionUserId();
  return id ? findActiveUser(getDb(), id) : null;
}

/**
 * The account id of this request's live session, or null: the cookie is decoded and the
 * session checked (not signed out, not past its lifetime), the account not yet read. A request
 * without a session cookie costs no database query.
 */
export async function sessionUserId(): Promise<string | null> {
  const session = await auth();
  return (session?.user as { id?: string } | undefined)?.id ?? null;
}

/**
 * The signed-in, enabled user for this request, or null. Someone signed in with a temporary
 * password counts as not signed in until they choose their own (the login page sends them to
 * /account/password), so the admin who handed it over cannot work under their name.
 */
export async function currentUser(): Promise<User | null> {
  const user = await signedInUser();
  return mayWork(user) ? user : null;
}
