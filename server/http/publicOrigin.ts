import { requestOrigin } from "./requestOrigin";

/** The origin links handed to people use: PUBLIC_URL when set, else the one the request reached. */
export function publicOrigin(headers: Headers): string {
  const configured = process.env.PUBLIC_URL;
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // env.ts refuses a bad PUBLIC_URL at start; fall through for safety.
    }
  }
  return requestOrigin(headers);
}
