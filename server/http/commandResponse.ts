import "server-only";
import type { CommandRefusal } from "../commands/commandResult";
import { apiError } from "./apiErrors";

/** The HTTP answer to a refused command. */
export function refusalResponse(refusal: CommandRefusal) {
  // A refused 签发 or 发布 also lists what blocks it (open comments, failed checks, unsigned
  // levels); a refused sign-off says which rule refused it (`reason`).
  return apiError(refusal.code, refusal.message, {
    ...("blockers" in refusal ? { blockers: refusal.blockers } : {}),
    ...("reason" in refusal && refusal.reason ? { reason: refusal.reason } : {}),
  });
}
