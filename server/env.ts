import path from "node:path";
import { z } from "zod";

/**
 * Every environment variable the workbench reads, validated once at start. The embedded
 * default needs none of them.
 */
const EnvSchema = z.object({
  /** TCP port; 0 picks a free one (tests). */
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  /** Interface to listen on. */
  HOST: z.string().default("0.0.0.0"),
  /** Embedded PGlite data directory (also holds the generated session secret). */
  DATA_DIR: z.string().default("./data"),
  /** PostgreSQL instead of PGlite, e.g. postgres://postgres@127.0.0.1:5432/newsroom. */
  DATABASE_URL: z.string().url().optional(),
  /**
   * Redis for several server processes on one PostgreSQL (scale-out, docs/DEPLOY.md): live
   * edits, presence and workflow changes cross between processes through it.
   */
  REDIS_URL: z.string().url().optional(),
  /**
   * On SIGTERM, report not ready (/readyz 503) for this long before closing, so a load
   * balancer polling /readyz stops sending people here first. 0: close at once.
   */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().min(0).default(0),
  /** Session signing secret. Required with DATABASE_URL; generated into DATA_DIR otherwise. */
  AUTH_SECRET: z.string().min(32, "AUTH_SECRET must be at least 32 characters").optional(),
  /** Password of the demo accounts; random (printed once) when unset. */
  DEMO_PASSWORD: z.string().min(1).optional(),
  /** With DATABASE_URL, create the demo newsroom too (never by default on PostgreSQL). */
  SEED_DEMO: z.enum(["0", "1"]).default("0"),
  /** Extra origins allowed to open the collaboration socket (comma separated). */
  ALLOWED_ORIGINS: z.string().default(""),
  /** Largest WebSocket message accepted, in bytes; bigger frames close with 1009. */
  COLLAB_MAX_MESSAGE_BYTES: z.coerce.number().int().positive().default(2 * 1024 * 1024),
  /** Open collaboration sockets one account may hold (tabs, devices); more close with 4429. */
  COLLAB_MAX_CONNECTIONS_PER_USER: z.coerce.number().int().positive().default(64),
  /** Open collaboration sockets one story may hold. */
  COLLAB_MAX_CONNECTIONS_PER_STORY: z.coerce.number().int().positive().default(500),
  /**
   * Sliding window of the sign-in limits, in ms: 10 attempts per account, 50 per address and,
   * on a device that has signed in to the account before, 10 per device instead of the
   * account's and the address's. Every attempt counts until it succeeds.
   */
  SIGN_IN_LIMIT_WINDOW_MS: z.coerce.number().int().positive().default(15 * 60_000),
  /**
   * Extra wait before a commit of the update log, in ms. 0 is best: updates arriving while a
   * commit is in flight already share the next one, and a longer window only adds latency
   * (docs/BENCHMARKS.md).
   */
  COLLAB_COMMIT_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** How long an empty room stays loaded before it is stored and unloaded, in ms. */
  COLLAB_ROOM_IDLE_MS: z.coerce.number().int().min(0).default(2000),
  /** An automatic checkpoint is written after this long without edits, in ms. */
  HISTORY_CHECKPOINT_PAUSE_MS: z.coerce.number().int().positive().default(60_000),
  /** …and at least this often while editing goes on, in ms. */
  HISTORY_CHECKPOINT_MAX_MS: z.coerce.number().int().positive().default(5 * 60_000),
  /**
   * Largest HTTP request body, in bytes, for every route but sign-in: a declared bigger one is
   * answered 413 before it is read, a chunked one as soon as it passes the limit.
   */
  HTTP_MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
  /** Largest body of Auth.js's routes and the login page (anyone may post there), in bytes. */
  HTTP_MAX_AUTH_BODY_BYTES: z.coerce.number().int().positive().default(16 * 1024),
  /**
   * Update log rows per commit batch (one INSERT; Yjs client-owner rows count too). 2000 rows
   * bind 8,000 parameters, far below PostgreSQL's 65,535, and keep one embedded-database
   * statement to tens of ms, so the event loop gets a turn between batches; a queue deeper than
   * this simply takes several batches. At most 16,000: four parameters per row must stay
   * under the 65,535 a statement may bind.
   */
  COLLAB_COMMIT_MAX_ROWS: z.coerce.number().int().min(1).max(16_000).default(2000),
  /**
   * Update bytes per commit batch. 4 MiB is twice the largest message (COLLAB_MAX_MESSAGE_BYTES),
   * so ordinary typing never splits, while one statement's parameters stay small; a single
   * update bigger than this still goes, alone.
   */
  COLLAB_COMMIT_MAX_BYTES: z.coerce.number().int().positive().default(4 * 1024 * 1024),
  /**
   * Updates the commit writer may hold uncommitted, process-wide (about 30 s of a busy
   * newsroom's typing while the database is away). Past it, the story whose update does not
   * fit is reloaded: its connections close with 4501 and nothing unsaved stays in memory.
   */
  COLLAB_COMMIT_QUEUE_MAX_UPDATES: z.coerce.number().int().positive().default(50_000),
  /** Update bytes the commit writer may hold uncommitted, process-wide; past it, as above. */
  COLLAB_COMMIT_QUEUE_MAX_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  /**
   * Attempts at one story's commit before its pending updates are given up (its connections
   * close with 4501 and the room reloads). Retries back off from 250 ms, doubling up to 5 s:
   * the default gives the database about 18 s to come back.
   */
  COLLAB_COMMIT_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(8),
  /**
   * Secret the audit chain's HMAC key is derived from (HKDF, label "audit-chain"). Unset: the
   * session secret. Set it to the old AUTH_SECRET before rotating AUTH_SECRET, or every keyed
   * audit entry stops verifying. Never stored in the database.
   */
  AUDIT_SECRET: z.string().min(32, "AUDIT_SECRET must be at least 32 characters").optional(),
  /**
   * Stories whose authorship (characters per person) each process keeps, recomputed only when
   * the story's log grows; beyond this many the least recently asked for is dropped.
   */
  HISTORY_AUTHORSHIP_CACHE_STORIES: z.coerce.number().int().positive().default(200),
  /**
   * Sync update / step-2 messages one socket may send per second (burst: twice this); past it
   * the socket closes with 4429. A fast typist sends about 20 a second and the history test's
   * trace replay about 250 back to back, so 500 is far above real use and still bounds a flood.
   */
  COLLAB_MAX_UPDATES_PER_SECOND: z.coerce.number().positive().default(500),
  /**
   * Bytes of those messages one socket may send per second (burst: twice this, so one message of
   * COLLAB_MAX_MESSAGE_BYTES, a pasted long story, always fits); past it: 4429.
   */
  COLLAB_MAX_UPDATE_BYTES_PER_SECOND: z.coerce.number().positive().default(2 * 1024 * 1024),
  /** Update messages per second one account may send across all its sockets (burst twice); 4429. */
  COLLAB_ACCOUNT_UPDATES_PER_SECOND: z.coerce.number().positive().default(1000),
  /** Update bytes per second one account may send across all its sockets (burst twice); 4429. */
  COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND: z.coerce.number().positive().default(4 * 1024 * 1024),
  /**
   * Yjs client ids one account may bring into stories per minute (all at once, then refilled
   * over the minute). Every editor load is one id, so 120 is a page load every half second;
   * an attacker minting an id per update (each adds log and Yjs work) is closed with 4429.
   */
  COLLAB_MAX_NEW_CLIENT_IDS_PER_MINUTE: z.coerce.number().positive().default(120),
  /**
   * Bytes of updates that cannot be applied yet (they depend on content the story does not
   * have), per socket and per story. A stock client only sends such updates for a moment after
   * reconnecting (a few keystrokes before its sync step 2); past it they are dropped and the
   * socket closes with 4429. Each waits for the one piece it lacks and is looked at again only
   * once the story has it, so this bounds memory, not work.
   */
  COLLAB_MAX_PENDING_BYTES: z.coerce.number().int().positive().default(64 * 1024),
  /**
   * Query-awareness messages one socket may send per second (burst twice). Stock clients send
   * none; each answer encodes everyone's presence, so a flood is closed with 4429.
   */
  COLLAB_MAX_AWARENESS_QUERIES_PER_SECOND: z.coerce.number().positive().default(5),
  /** Largest awareness (presence) state, in bytes of JSON; a larger one closes the socket with 4429. */
  COLLAB_MAX_AWARENESS_STATE_BYTES: z.coerce.number().int().positive().default(16 * 1024),
  /**
   * Open collaboration sockets per process (each holds a file descriptor; keep it well under
   * `ulimit -n`). Past it the upgrade is answered HTTP 503 with Retry-After, before any
   * authentication work.
   */
  COLLAB_MAX_CONNECTIONS: z.coerce.number().int().positive().default(5000),
  /**
   * Updates one socket may keep waiting for content the story does not have yet (with
   * COLLAB_MAX_PENDING_BYTES their bytes). A reconnecting typist parks a handful; past it they
   * are dropped and the socket closes with 4429.
   */
  COLLAB_MAX_PARKED_UPDATES: z.coerce.number().int().positive().default(32),
  /**
   * Updates one story may hold unsaved in the commit writer (a quarter of the process-wide
   * queue by default). Checked first, so a story flooding the queue is the one closed (4501),
   * never a colleague writing next in another story.
   */
  COLLAB_COMMIT_QUEUE_MAX_UPDATES_PER_STORY: z.coerce.number().int().positive().default(12_500),
  /** Update bytes one story may hold unsaved in the commit writer (as above). */
  COLLAB_COMMIT_QUEUE_MAX_BYTES_PER_STORY: z.coerce.number().int().positive().default(16 * 1024 * 1024),
  /**
   * How long one update-log commit may take, in ms. On PostgreSQL the commit's transaction
   * sets lock_timeout and statement_timeout to it (a row lock held elsewhere no longer stalls
   * saving); on either database a commit not answered by then counts as a failed attempt
   * (backoff, then 4501 after COLLAB_COMMIT_MAX_ATTEMPTS).
   */
  COLLAB_COMMIT_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),

  // Issue 13 (desk flow): search, notifications, scheduled publishing, public links.
  /** Longest search string of `GET /api/articles?q=`, in characters; longer: 400. */
  SEARCH_QUERY_MAX_CHARS: z.coerce.number().int().positive().default(200),
  /** Most stories one search or dashboard list returns (newest edited first). */
  SEARCH_MAX_RESULTS: z.coerce.number().int().positive().default(500),
  /** Most notifications `GET /api/notifications` returns (newest first). */
  NOTIFICATIONS_LIST_MAX: z.coerce.number().int().positive().default(50),
  /** Open notification streams (the bell, one per tab) per account and process; more: 429. */
  NOTIFICATIONS_MAX_STREAMS_PER_USER: z.coerce.number().int().positive().default(8),
  /** Open notification streams per process; more: 429. */
  NOTIFICATIONS_MAX_STREAMS: z.coerce.number().int().positive().default(2000),
  /**
   * How often an open notification stream re-reads its count, in ms, so a notification written
   * by another process (scaled out) arrives too; this process's own arrive at once.
   */
  NOTIFICATIONS_STREAM_POLL_MS: z.coerce.number().int().positive().default(10_000),
  /** How often each process looks for scheduled publications that are due, in ms. */
  SCHEDULED_PUBLISH_POLL_MS: z.coerce.number().int().positive().default(5_000),
  /** Most scheduled publications one look publishes (the rest wait for the next look). */
  SCHEDULED_PUBLISH_BATCH: z.coerce.number().int().positive().default(20),
  /** Furthest ahead a publication may be scheduled, in days; later: 400. */
  SCHEDULED_PUBLISH_MAX_DAYS: z.coerce.number().int().positive().default(60),
  /**
   * The public origin of the site (feeds, canonical links, notifications), e.g.
   * https://news.example.com. Unset: the address the server listens on.
   */
  PUBLIC_URL: z.string().url().optional(),
});

/** The settings as validated values (env.ts's schema), without the derived fields. */
export type Settings = z.infer<typeof EnvSchema>;

/**
 * One setting as the running process has it, read at call time from the environment (Next's
 * bundle has no handle on the Env the server was started with; tests of an in-process server
 * set their extras in process.env). Falls back to the default when the value is unset.
 */
export function setting<Key extends keyof Settings>(key: Key): Settings[Key] {
  const parsed = EnvSchema.shape[key].safeParse(process.env[key]);
  return (parsed.success ? parsed.data : EnvSchema.shape[key].parse(undefined)) as Settings[Key];
}

export type Env = z.infer<typeof EnvSchema> & { dataDir: string; dev: boolean };

/** Parses process.env; a bad value stops the start with a message naming the variable. */
export function loadEnv(source: NodeJS.ProcessEnv = process.env, dev = false): Env {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new StartupError(`invalid configuration:\n${problems}`);
  }
  const env = parsed.data;
  if (env.DATABASE_URL && !env.AUTH_SECRET) {
    throw new StartupError(
      "AUTH_SECRET is required when DATABASE_URL is set (generate one with `openssl rand -base64 32`).",
    );
  }
  if (env.REDIS_URL && !env.DATABASE_URL) {
    throw new StartupError(
      "REDIS_URL needs DATABASE_URL: the embedded database belongs to one process, so there is nothing to share.",
    );
  }
  return { ...env, dataDir: path.resolve(env.DATA_DIR), dev };
}

/** A configuration problem: printed without a stack trace, exit code 1. */
export class StartupError extends Error {}
