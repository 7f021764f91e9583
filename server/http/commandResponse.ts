import "server-only";
import type { CommandRefusal } from "../commands/commandResult";
import { apiError } from "./apiErrors";

/** The HTTP answer to a refused command. */
export function refusalResponse(refusal: CommandRefusal) {
  return apiError(refusal.code, refusal.message);
}
