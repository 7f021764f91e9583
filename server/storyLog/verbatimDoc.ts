import "server-only";
import * as Y from "yjs";

/**
 * A story document that holds exactly the updates applied to it and nothing the server made
 * up. Yjs follows a remote transaction that touches formatted text with a cleanup transaction
 * of its own (origin null) deleting format marks it judges redundant. On the server those
 * deletions would be nobody's: in the room's copy never logged or relayed, in a folded log or
 * snapshot written for every later reader; either way a client that stayed connected kept
 * different formatting from the rest for good. Clients clean up their own copies and send
 * those deletions like any edit; the server only relays and stores.
 *
 * No garbage collection: deleted text stays, so versions can be compared and restored.
 */
export function verbatimDoc(): Y.Doc {
  const doc = new Y.Doc({ gc: false });
  doc.on("afterTransaction", skipFormattingCleanup);
  return doc;
}

/**
 * `afterTransaction` is emitted just before Yjs checks this flag (`cleanupTransactions`);
 * `tests/unit/serverMakesNoEdits.test.ts` fails if a Yjs release moves it.
 */
function skipFormattingCleanup(transaction: Y.Transaction): void {
  (transaction as unknown as { _needFormattingCleanup: boolean })._needFormattingCleanup = false;
}
