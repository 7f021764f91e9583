import type { User } from "../../db/schema";
import { currentUser } from "../auth/currentUser";
import { notSignedIn } from "./apiErrors";
import { foreignOriginError, readJsonObject } from "./requestGuards";

/**
 * The common start of every state-changing API route: same origin, signed in, JSON object
 * body. Returns the user and body, or the response that refuses the request.
 */
export async function readUnsafeRequest(
  request: Request,
): Promise<{ user: User; body: Record<string, unknown> } | { error: Response }> {
  const refused = foreignOriginError(request);
  if (refused) return { error: refused };
  const user = await currentUser();
  if (!user) return { error: notSignedIn() };
  const read = await readJsonObject(request);
  if ("error" in read) return read;
  return { user, body: read.body };
}
