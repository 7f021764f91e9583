import "server-only";
import { authenticator } from "otplib";
import type { User } from "../../db/schema";
import { now } from "../clock";

/** The name authenticator apps show beside the account. */
const ISSUER = "红网编辑台";

/** A new random TOTP secret (base32, 160 bits, RFC 6238 defaults: SHA-1, 6 digits, 30 s). */
export function newTotpSecret(): string {
  return authenticator.generateSecret(20);
}

/** The otpauth:// URI an authenticator app takes (typed in, or as a QR code). */
export function totpUri(username: string, secret: string): string {
  return authenticator.keyuri(username, ISSUER, secret);
}

/** Whether `code` is the secret's code now (or one step either side: clocks drift), by the server's clock. */
export function totpValid(secret: string, code: string): boolean {
  const digits = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(digits) || !/^[A-Z2-7]{16,64}$/.test(secret)) return false;
  return authenticator.clone({ epoch: now(), window: 1 }).check(digits, secret);
}

/** ADMIN_REQUIRE_TOTP=1: an admin without a second factor may not use the console until they add one. */
export function adminNeedsTotp(user: User): boolean {
  return process.env.ADMIN_REQUIRE_TOTP === "1" && user.role === "admin" && user.totpSecret === null;
}
