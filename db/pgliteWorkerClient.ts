import "server-only";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";

/** What the embedded database answers a query with (PGlite's `Results`, cloned across threads). */
export interface WorkerResults {
  rows: unknown[];
  fields: { name: string; dataTypeID: number }[];
  affectedRows?: number;
}

interface QueryOptions {
  rowMode?: "array" | "object";
  /** Drizzle passes identity parsers only (timestamps, dates, intervals kept as text). */
  parsers?: Record<number, unknown>;
}

/** The part of PGlite's transaction object that `drizzle-orm/pglite` uses. */
export interface WorkerTransaction {
  query(sql: string, params?: unknown[], options?: QueryOptions): Promise<WorkerResults>;
  exec(sql: string): Promise<unknown>;
  rollback(): Promise<void>;
  readonly closed: boolean;
}

export interface PgliteWorkerOptions {
  dataDir: string;
  /** Wait for fsync of the WAL at every commit (db/pgliteWorker.mjs). */
  durable: boolean;
  /** Requests (queries, transactions) that may wait for the worker before new ones are refused. */
  maxQueued: number;
}

/** The embedded database refused a request because too many are already waiting for it. */
export class EmbeddedDatabaseBusy extends Error {
  constructor(maxQueued: number) {
    super(`the embedded database is busy: ${maxQueued} requests are already waiting (DB_WORKER_QUEUE_MAX)`);
    this.name = "EmbeddedDatabaseBusy";
  }
}

/** The embedded database's worker stopped (crashed or closed) before it answered. */
export class EmbeddedDatabaseStopped extends Error {
  constructor(reason: string) {
    super(`the embedded database stopped: ${reason}`);
    this.name = "EmbeddedDatabaseStopped";
  }
}

type Pending = { resolve: (value: unknown) => void; reject: (err: Error) => void; counted: boolean };
type Request = { op: string; txId?: number; sql?: string; params?: unknown[]; rowMode?: string; textTypes?: number[]; commit?: boolean };

/** Gives a serialized error back its class-less shape: message plus postgres' fields (code …). */
function reviveError(fields: Record<string, unknown>): Error {
  const err = new Error(String(fields.message));
  Object.assign(err, fields);
  return err;
}

function workerScript(): string {
  // Resolved at call time: Next's bundle holds a copy of this module but never opens a database.
  return path.join(path.dirname(fileURLToPath(import.meta.url)), "pgliteWorker.mjs");
}

/**
 * PGlite in a worker thread, shaped like the PGlite object that `drizzle-orm/pglite` drives
 * (`query`, `transaction`, `close`), so Drizzle works unchanged above it while every query runs
 * off the event loop. A transaction holds the worker exclusively (PGlite's transaction mutex)
 * from begin to its end; it commits when the caller's function returns and rolls back when it
 * throws. If the worker dies, every waiting request fails with EmbeddedDatabaseStopped and a
 * new worker is started on the same data directory (postgres' crash recovery replays the WAL);
 * transactions that were open are lost, as they would be in a crashed database server.
 */
export class PgliteWorkerClient {
  private worker!: Worker;
  private ready!: Promise<void>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Top-level requests sent and not yet answered (in-transaction queries are not counted). */
  private queued = 0;
  private closing: Promise<void> | null = null;
  private restarts = 0;
  /** True while the current worker has PGlite open (requests are posted at once). */
  private opened = false;

  private constructor(private readonly options: PgliteWorkerOptions) {}

  /** Starts the worker and waits until PGlite is open in it. */
  static async open(options: PgliteWorkerOptions): Promise<PgliteWorkerClient> {
    const client = new PgliteWorkerClient(options);
    client.start();
    await client.ready;
    return client;
  }

  /** Times the worker was started again after it died (for health output and tests). */
  get restartCount(): number {
    return this.restarts;
  }

  /** Requests posted to the worker and not answered yet (a crash fails exactly these). */
  get inFlight(): number {
    return this.pending.size;
  }

  /** The worker thread (its thread id names it in diagnostics; tests terminate it to crash it). */
  get thread(): Worker {
    return this.worker;
  }

  private start(): void {
    const worker = new Worker(workerScript(), {
      // Transaction ids never repeat across restarts: a transaction body still running against a
      // worker that died cannot reach into a transaction begun on its successor.
      workerData: { dataDir: this.options.dataDir, durable: this.options.durable, firstTxId: this.restarts * 1_000_000_000 + 1 },
      // No TypeScript loader inherited from tsx: the worker is plain JavaScript.
      execArgv: [],
    });
    this.worker = worker;
    this.opened = false;
    this.ready = new Promise<void>((resolve, reject) => {
      const onStartMessage = (message: { type?: string; error?: Record<string, unknown> }) => {
        if (message.type === "ready") {
          this.opened = true;
          resolve();
        }
        else if (message.type === "failed") reject(reviveError(message.error ?? {}));
        else return;
        worker.off("message", onStartMessage);
      };
      worker.on("message", onStartMessage);
      worker.once("exit", (code) => reject(new EmbeddedDatabaseStopped(`the worker exited (code ${code}) while opening`)));
    });
    // A failed start is reported to whoever awaits `ready`; never an unhandled rejection here.
    this.ready.catch(() => {});
    worker.on("message", (message: { id?: number; ok?: boolean; result?: unknown; error?: Record<string, unknown> }) => {
      if (message.id === undefined) return;
      const waiting = this.pending.get(message.id);
      if (!waiting) return;
      this.pending.delete(message.id);
      if (waiting.counted) this.queued--;
      if (message.ok) waiting.resolve(message.result);
      else waiting.reject(reviveError(message.error ?? {}));
    });
    worker.on("error", (err) => console.error("[db] the embedded database worker failed:", err));
    worker.once("exit", (code) => this.onExit(worker, code));
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    const hadOpened = this.opened;
    this.opened = false;
    const reason = this.closing ? "it was closed" : `its worker exited (code ${code})`;
    for (const [id, waiting] of this.pending) {
      this.pending.delete(id);
      waiting.reject(new EmbeddedDatabaseStopped(reason));
    }
    this.queued = 0;
    if (this.closing) return;
    // A worker that died before it ever opened the data directory would die again: no restart
    // loop. Every request then fails with the reason `ready` gave, and so does the health check.
    if (!hadOpened) {
      console.error(`[db] the embedded database worker exited (code ${code}) before it opened; not starting it again`);
      return;
    }
    // Committed work is in the WAL; a new worker recovers it, like a restarted postgres.
    console.error(`[db] the embedded database worker exited (code ${code}); opening the data directory again`);
    this.restarts++;
    this.start();
    this.ready.catch((err: Error) => console.error("[db] the embedded database could not be opened again:", err.message));
  }

  private async send<T>(request: Request, counted: boolean): Promise<T> {
    // An open transaction may still end while closing (closing waits for it); nothing new starts.
    if (this.closing && counted) throw new EmbeddedDatabaseStopped("it was closed");
    if (counted && this.queued >= this.options.maxQueued) throw new EmbeddedDatabaseBusy(this.options.maxQueued);
    if (counted) this.queued++;
    const id = this.nextId++;
    const answered = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, counted });
    });
    // A worker that dies while this waits for `ready` fails `answered` before anyone awaits it;
    // the caller still gets the rejection (through `ready` or the returned promise).
    answered.catch(() => {});
    if (!this.opened) {
      try {
        await this.ready;
      } catch (err) {
        this.pending.delete(id);
        if (counted) this.queued--;
        throw err;
      }
    }
    this.worker.postMessage({ id, ...request });
    return answered;
  }

  /** One statement, outside any transaction: it waits while a transaction holds the worker. */
  query(sql: string, params: unknown[] = [], options: QueryOptions = {}): Promise<WorkerResults> {
    return this.send(queryRequest(sql, params, options), true);
  }

  /** Statements without parameters (several allowed), outside any transaction. */
  exec(sql: string): Promise<unknown> {
    return this.send({ op: "exec", sql }, true);
  }

  /**
   * Runs `body` in one transaction that holds the worker until it ends: committed when `body`
   * returns, rolled back when it throws (or when the worker dies: nothing was committed).
   */
  async transaction<T>(body: (tx: WorkerTransaction) => Promise<T>): Promise<T> {
    const { txId } = await this.send<{ txId: number }>({ op: "begin" }, true);
    let closed = false;
    const end = async (commit: boolean) => {
      if (closed) return;
      closed = true;
      await this.send({ op: "end", txId, commit }, false);
    };
    const tx: WorkerTransaction = {
      query: (sql, params = [], options = {}) => {
        if (closed) return Promise.reject(new Error("Transaction is closed"));
        return this.send({ ...queryRequest(sql, params, options), txId }, false);
      },
      exec: (sql) => (closed ? Promise.reject(new Error("Transaction is closed")) : this.send({ op: "exec", sql, txId }, false)),
      rollback: () => end(false),
      get closed() {
        return closed;
      },
    };
    let result: T;
    try {
      result = await body(tx);
    } catch (err) {
      await end(false).catch(() => {});
      throw err;
    }
    await end(true);
    return result;
  }

  /** Closes PGlite in the worker and waits for the worker to end. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const worker = this.worker;
      const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
      const id = this.nextId++;
      const answered = new Promise<void>((resolve, reject) => this.pending.set(id, { resolve: () => resolve(), reject, counted: false }));
      await this.ready.catch(() => {});
      worker.postMessage({ id, op: "close" });
      await answered.catch((err: Error) => console.error("[db] closing the embedded database:", err.message));
      await exited;
    })();
    return this.closing;
  }
}

function queryRequest(sql: string, params: unknown[], options: QueryOptions): Request {
  const textTypes = options.parsers ? Object.keys(options.parsers).map(Number) : undefined;
  return { op: "query", sql, params, rowMode: options.rowMode, textTypes };
}
