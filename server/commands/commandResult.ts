import "server-only";
/** Why a command refused, mapped to HTTP by the routes (DESIGN.md §5 error codes). */
export type CommandRefusal =
  | { ok: false; code: "not_found"; message: string }
  | { ok: false; code: "forbidden"; message: string; reason?: string }
  | { ok: false; code: "conflict"; message: string; reason?: string; blockers?: { kind: string; id?: string; message: string }[] }
  | { ok: false; code: "bad_request"; message: string; reason?: string }
  | { ok: false; code: "payload_too_large"; message: string }
  | { ok: false; code: "unsupported_media_type"; message: string }
  | { ok: false; code: "rate_limited"; message: string };

export type CommandResult<T> = ({ ok: true } & T) | CommandRefusal;

export const refuse = <C extends CommandRefusal["code"]>(code: C, message: string) =>
  ({ ok: false, code, message }) as Extract<CommandRefusal, { code: C }>;
