/**
 * Message types on the collaboration socket (DESIGN.md §3). 0, 1 and 3 are the y-websocket
 * protocol's own; 100 is ours: the state vector the server has committed to the database.
 */
export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;
export const MESSAGE_QUERY_AWARENESS = 3;
export const MESSAGE_SAVED = 100;
/**
 * Ours too: `{state, canWrite}` as JSON, sent on join and whenever the workflow changes what
 * this connection may do (the server drops a read-only connection's updates either way).
 */
export const MESSAGE_ACCESS = 101;

export interface AccessNotice {
  state: string;
  canWrite: boolean;
}

/** Close codes sent before any document byte when a connection may not open the room. */
export const CLOSE_NOT_SIGNED_IN = 4401;
export const CLOSE_FORBIDDEN = 4403;
export const CLOSE_NO_SUCH_ARTICLE = 4404;
/**
 * The frame could not be decoded as the protocol, or its update would write something outside
 * the editor's schema (a node, attribute or mark the editor does not have, a root other than
 * `title`/`body`, a title over 200 characters); only this connection is closed, nothing is stored.
 */
export const CLOSE_MALFORMED = 4400;
/** The room could not be loaded (database error); the client may retry later. */
export const CLOSE_LOAD_FAILED = 4500;
/**
 * The story's updates could not be saved (the database kept refusing its commits, or the
 * server's commit queue was full): the room was dropped; reconnecting loads it afresh from the
 * database. Not final: a later attempt may succeed.
 */
export const CLOSE_SAVE_FAILED = 4501;
/** Too many open connections for this account or story. */
export const CLOSE_TOO_MANY_CONNECTIONS = 4429;
/**
 * A socket past one of its budgets (update messages or bytes per second, per connection or
 * per account; new client ids per minute; pending structs; query-awareness rate; awareness
 * state size). The close reason names the setting.
 */
export const CLOSE_OVER_BUDGET = 4429;
