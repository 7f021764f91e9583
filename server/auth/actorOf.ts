import "server-only";
import type { User } from "../../db/schema";
import type { Actor } from "../../newsroom/actor";
import { isRole } from "../../newsroom/roles";

/** The rules' view of a user; an account with an unknown role gets no rights beyond reading. */
export function actorOf(user: User): Actor | null {
  return isRole(user.role) ? { id: user.id, role: user.role } : null;
}
