import "server-only";
import type { z } from "zod";
import type { User } from "../../db/schema";
import { currentUser, signedInUser } from "../auth/currentUser";
import { notSignedIn } from "./apiErrors";
import { parseRequest } from "./parseRequest";
import { foreignOriginError, readJsonObject } from "./requestGuards";

/**
 * The common start of every state-changing API route: same origin, signed in, a JSON object
 * body of the route's shape (`requestSchemas.ts`). Returns the user and the parsed body, or
 * the response that refuses the request.
 */
export async function readUnsafeRequest<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
  {
    maxBytes,
    temporaryPasswordAllowed = false,
  }: {
    maxBytes?: number;
    /** The password change takes someone still holding a temporary password too. */
    temporaryPasswordAllowed?: boolean;
  } = {},
): Promise<{ user: User; body: z.output<Schema> } | { error: Response }> {
  const refused = foreignOriginError(request);
  if (refused) return { error: refused };
  const user = await (temporaryPasswordAllowed ? signedInUser() : currentUser());
  if (!user) return { error: notSignedIn() };
  const read = await readJsonObject(request, maxBytes);
  if ("error" in read) return read;
  const parsed = parseRequest(schema, read.body);
  if ("error" in parsed) return parsed;
  return { user, body: parsed.data };
}
