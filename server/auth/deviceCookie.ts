import "server-only";
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

/**
 * The proven-device cookie (OWASP "device cookies"): set on a successful sign-in, it says "this
 * browser has signed in to this account before". An attempt that carries one for the account it
 * tries is judged by the device's own counter (signInPolicy.ts), so wrong passwords sent from
 * anywhere else cannot lock the owner out here. Signed with a key derived from the session
 * secret; it grants nothing but that allowance, so it is no session and no password.
 */
export const DEVICE_COOKIE = "newsroom.device";

/** A year: the point is to remember a device across sessions. */
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

interface DevicePayload {
  /** Account, lower case: the cookie counts only for sign-ins to this account. */
  u: string;
  /** Device id, the key of the device's counter. */
  d: string;
}

function signingKey(): Buffer {
  const secret = process.env.AUTH_SECRET;
  if (!secret) throw new Error("AUTH_SECRET is not set");
  // A key of its own, so a device signature is never valid as anything else.
  return createHmac("sha256", secret).update("newsroom proven-device cookie v1").digest();
}

function sign(payload: string): string {
  return createHmac("sha256", signingKey()).update(payload).digest("base64url");
}

/** A new cookie value for this account, keeping the device id when the device had one. */
export function deviceCookieValue(username: string, deviceId: string = randomUUID()): string {
  const payload = Buffer.from(JSON.stringify({ u: username.toLowerCase(), d: deviceId } satisfies DevicePayload)).toString("base64url");
  return `${payload}.${sign(payload)}`;
}

function verified(value: string): DevicePayload | null {
  const [payload, signature, ...rest] = value.split(".");
  if (!payload || !signature || rest.length > 0 || value.length > 512) return null;
  const expected = Buffer.from(sign(payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const parsed = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<DevicePayload>;
    return typeof parsed.u === "string" && typeof parsed.d === "string" ? { u: parsed.u, d: parsed.d } : null;
  } catch {
    return null;
  }
}

/** The cookie's value in a Cookie header, if any. */
export function deviceCookieIn(cookieHeader: string | null | undefined): string | null {
  for (const pair of (cookieHeader ?? "").split(";")) {
    const eq = pair.indexOf("=");
    if (eq > 0 && pair.slice(0, eq).trim() === DEVICE_COOKIE) return pair.slice(eq + 1).trim();
  }
  return null;
}

/** The device id a (validly signed) cookie proves for `username`, else null. */
export function provenDeviceId(cookieValue: string | null | undefined, username: string): string | null {
  const payload = cookieValue ? verified(cookieValue) : null;
  return payload && payload.u === username.toLowerCase() ? payload.d : null;
}

/** The Set-Cookie header for a device cookie (HttpOnly, SameSite=Lax, Secure over HTTPS). */
export function deviceSetCookie(value: string, secure: boolean): string {
  return `${DEVICE_COOKIE}=${value}; Path=/; Max-Age=${DEVICE_COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax${secure ? "; Secure" : ""}`;
}

/** After a successful sign-in: the cookie to set, keeping the device id this browser proved. */
export function renewedDeviceCookie(previous: string | null, username: string): string {
  return deviceCookieValue(username, provenDeviceId(previous, username) ?? undefined);
}
