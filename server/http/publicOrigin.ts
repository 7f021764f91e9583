import "server-only";
import { setting } from "../env";
import { requestOrigin } from "./requestOrigin";

/**
 * The origin public links are made from (feeds, canonical links, notifications): PUBLIC_URL,
 * or else the address this process listens on. On globalThis: the custom server learns the
 * port, Next's bundle builds the links.
 */
const GLOBAL_KEY = Symbol.for("newsroom.listenOrigin");
type GlobalWithOrigin = typeof globalThis & { [GLOBAL_KEY]?: string };

/** Called once the server listens: the fallback origin when PUBLIC_URL is unset. */
export function publishListenOrigin(host: string, port: number): void {
  const name = host === "0.0.0.0" || host === "::" || host === "" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  (globalThis as GlobalWithOrigin)[GLOBAL_KEY] = `http://${name}:${port}`;
}

/** `https://news.example.com` (no trailing slash). */
export function publicOrigin(): string {
  const configured = setting("PUBLIC_URL");
  if (configured) return new URL(configured).origin;
  return (globalThis as GlobalWithOrigin)[GLOBAL_KEY] ?? "http://localhost:3000";
}

/**
 * The origin for a link handed to the person making this request (a password reset link the
 * admin passes on): PUBLIC_URL when set, else the origin the request reached, which is the one
 * the admin is using right now.
 */
export function publicOriginFor(headers: Headers): string {
  const configured = setting("PUBLIC_URL");
  return configured ? new URL(configured).origin : requestOrigin(headers);
}
