import "server-only";
import { eq } from "drizzle-orm";
import type { Db } from "../../db/client";
import { users, type User } from "../../db/schema";
import { accountCreator } from "../commands/accountCreator";

/** Single sign-on as configured by the environment (all of OIDC_ISSUER, _CLIENT_ID, _CLIENT_SECRET), or null. */
export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The button's text. */
  name: string;
  /** The claim an account's username is matched to. */
  matchClaim: "preferred_username" | "email";
  /** Whether someone without an account gets a reporter's account (OIDC_AUTO_CREATE=reporter). */
  autoCreate: boolean;
}

/** Auth.js's provider id of the organisation's identity provider. */
export const OIDC_PROVIDER_ID = "oidc";

export function oidcSettings(source: NodeJS.ProcessEnv = process.env): OidcSettings | null {
  const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = source;
  if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET) return null;
  return {
    issuer: OIDC_ISSUER,
    clientId: OIDC_CLIENT_ID,
    clientSecret: OIDC_CLIENT_SECRET,
    name: source.OIDC_NAME || "单位统一身份认证",
    matchClaim: source.OIDC_MATCH_CLAIM === "email" ? "email" : "preferred_username",
    autoCreate: source.OIDC_AUTO_CREATE === "reporter",
  };
}

/** The username the identity provider's claims name, lower case, or null when the claim is missing. */
export function claimedUsername(profile: Record<string, unknown>, settings: OidcSettings): string | null {
  const value = profile[settings.matchClaim];
  if (typeof value !== "string" || value.trim() === "") return null;
  // An unverified address proves nothing about who is signing in.
  if (settings.matchClaim === "email" && profile.email_verified === false) return null;
  return value.trim().toLowerCase();
}

/**
 * The account someone signing in through the identity provider is: the enabled account whose
 * username is the matched claim; an unknown person gets a new reporter's account only with
 * OIDC_AUTO_CREATE=reporter. Null: refused (no such account, disabled, or no claim).
 */
export async function accountForOidcProfile(db: Db, profile: Record<string, unknown>, settings: OidcSettings): Promise<User | null> {
  const username = claimedUsername(profile, settings);
  if (!username) return null;
  const [found] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  if (found) return found.disabled ? null : found;
  if (!settings.autoCreate) return null;
  const name = typeof profile.name === "string" && profile.name.trim() ? profile.name.trim().slice(0, 50) : username;
  const created = await accountCreator(db, { actor: "system", username, name, role: "reporter", noPassword: true });
  if (created.ok) return created.user;
  // Created meanwhile by a concurrent first sign-in: take that one.
  const [again] = await db.select().from(users).where(eq(users.username, username)).limit(1);
  return again && !again.disabled ? again : null;
}
