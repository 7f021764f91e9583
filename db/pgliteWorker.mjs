// @ts-check
/**
 * The embedded database's own thread (worker_threads): it owns the one PGlite instance of the
 * data directory, so no query ever runs on the event loop that serves sockets. The main thread
 * talks to it through db/pgliteWorkerClient.ts; the messages are listed there.
 *
 * Plain ESM JavaScript on purpose: a worker starts without the TypeScript loader, the same way
 * under tsx, vitest and Next's server bundle.
 */
import fs from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

if (!parentPort) throw new Error("db/pgliteWorker.mjs runs only as a worker thread");
const port = parentPort;

/** @type {{ dataDir: string; durable: boolean }} */
const { dataDir, durable, firstTxId = 1 } = workerData;

/** Thrown into a transaction's body to roll it back when the main thread asks for that. */
class RollbackRequested extends Error {}

/**
 * PGlite starts postgres with `-F` (fsync off) and its Node filesystem has no fsync, so a
 * commit only reaches the page cache. Durable mode starts without `-F`, makes postgres call
 * fsync() (not fdatasync(), which emscripten turns into a no-op) and gives the filesystem a
 * real one: a commit then returns after the WAL it wrote is on disk, and checkpoints sync the
 * data files they wrote, exactly as postgres does on its own.
 */
function startParams() {
  if (!durable) return PGlite.defaultStartParams;
  return [...PGlite.defaultStartParams.filter((param) => param !== "-F"), "-c", "wal_sync_method=fsync"];
}

/** @param {PGlite} pg */
function passFsyncThrough(pg) {
  /** @type {{ NODEFS?: { stream_ops: Record<string, unknown> } }} */
  const mod = /** @type {never} */ (pg.Module);
  if (!mod.NODEFS) throw new Error("PGlite's Node filesystem is not where db/pgliteWorker.mjs expects it");
  // Every file node of NODEFS shares this one stream_ops object, so this reaches open files too.
  mod.NODEFS.stream_ops.fsync = (/** @type {{ nfd: number }} */ stream) => {
    fs.fsyncSync(stream.nfd);
    return 0;
  };
}

/** Postgres' type id of bytea. */
const BYTEA = 17;

/**
 * bytea travels as hex text (`\\x…`) in PGlite's protocol, and PGlite's own codec turns it into
 * bytes one `parseInt` per byte (and back with one `toString(16)` per byte): reading a story's
 * 380 KB snapshot took ~28 ms of this thread, writing one longer. Node's native hex codec does
 * the same in well under a millisecond a snapshot; the bytes are the same.
 */
const byteaCodec = {
  parsers: {
    [BYTEA]: (/** @type {string} */ text) => {
      // Its own memory (not Node's shared pool), so posting it copies only its bytes.
      const bytes = Buffer.allocUnsafeSlow((text.length - 2) / 2);
      // write() stops at the first character that is not hex: never hand out the rest unfilled.
      if (bytes.write(text.slice(2), "hex") !== bytes.byteLength) throw new Error("malformed bytea from the database");
      return new Uint8Array(bytes.buffer, 0, bytes.byteLength);
    },
  },
  serializers: {
    [BYTEA]: (/** @type {Uint8Array} */ value) => {
      if (!(value instanceof Uint8Array)) throw new Error("Invalid input for bytea type");
      return "\\x" + Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("hex");
    },
  },
};

/** Identity parsers for the type ids the caller (Drizzle) wants as text. */
function identityParsers(/** @type {number[] | undefined} */ typeIds) {
  if (!typeIds) return undefined;
  return Object.fromEntries(typeIds.map((id) => [id, (/** @type {string} */ value) => value]));
}

/** An error as plain fields (postgres' code, detail, constraint … survive the message). */
function serializeError(/** @type {unknown} */ err) {
  if (!(err instanceof Error)) return { name: "Error", message: String(err) };
  const fields = Object.fromEntries(
    Object.entries(err).filter(([, value]) => ["string", "number", "boolean"].includes(typeof value)),
  );
  return { ...fields, name: err.name, message: err.message };
}

/** @type {Map<number, { tx: import("@electric-sql/pglite").Transaction; end: (commit: boolean, replyId: number) => void }>} */
const transactions = new Map();
let nextTxId = firstTxId;

// The extensions the migrations create (pg_trgm: the search index); PGlite loads an
// extension's code only when it is named at open. Kept in step with PGLITE_EXTENSIONS.
const pg = await PGlite.create(dataDir, { startParams: startParams(), extensions: { pg_trgm }, ...byteaCodec }).catch((err) => {
  port.postMessage({ type: "failed", error: serializeError(err) });
  return null;
});
if (pg) {
  if (durable) passFsyncThrough(pg);
  port.on("message", (message) => void handle(pg, message));
  port.postMessage({ type: "ready" });
}

/**
 * @param {PGlite} pg
 * @param {{ id: number; op: string; txId?: number; sql?: string; params?: unknown[]; rowMode?: "array" | "object"; textTypes?: number[]; commit?: boolean }} message
 */
async function handle(pg, message) {
  const { id, op } = message;
  const reply = (/** @type {unknown} */ result) => port.postMessage({ id, ok: true, result });
  const fail = (/** @type {unknown} */ err) => port.postMessage({ id, ok: false, error: serializeError(err) });
  try {
    switch (op) {
      case "query": {
        const target = message.txId ? openTransaction(message.txId).tx : pg;
        const options = { rowMode: message.rowMode, parsers: identityParsers(message.textTypes) };
        return reply(await target.query(/** @type {string} */ (message.sql), message.params, options));
      }
      case "exec": {
        const target = message.txId ? openTransaction(message.txId).tx : pg;
        return reply(await target.exec(/** @type {string} */ (message.sql)));
      }
      case "begin":
        return begin(pg, id);
      case "end":
        return openTransaction(/** @type {number} */ (message.txId)).end(message.commit === true, id);
      case "close":
        await pg.close();
        reply(null);
        return port.close();
      default:
        throw new Error(`unknown embedded database request ${op}`);
    }
  } catch (err) {
    fail(err);
  }
}

function openTransaction(/** @type {number} */ txId) {
  const open = transactions.get(txId);
  if (!open) throw new Error(`transaction ${txId} is not open`);
  return open;
}

/**
 * Opens a transaction that holds PGlite (its transaction mutex: every other query waits) until
 * the main thread sends "end": commit, or roll back when the caller threw.
 */
function begin(/** @type {PGlite} */ pg, /** @type {number} */ beginId) {
  const txId = nextTxId++;
  let endReplyId = 0;
  let answered = false;
  pg.transaction(async (tx) => {
    /** @type {Promise<void>} */
    const ended = new Promise((resolve, reject) => {
      transactions.set(txId, {
        tx,
        end: (commit, replyId) => {
          endReplyId = replyId;
          transactions.delete(txId);
          if (commit) resolve();
          else reject(new RollbackRequested());
        },
      });
    });
    answered = true;
    port.postMessage({ id: beginId, ok: true, result: { txId } });
    await ended;
  }).then(
    () => port.postMessage({ id: endReplyId, ok: true, result: null }),
    (err) => {
      transactions.delete(txId);
      if (!answered) port.postMessage({ id: beginId, ok: false, error: serializeError(err) });
      else if (err instanceof RollbackRequested) port.postMessage({ id: endReplyId, ok: true, result: null });
      else port.postMessage({ id: endReplyId, ok: false, error: serializeError(err) });
    },
  );
}
