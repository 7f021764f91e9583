import "server-only";
import path from "node:path";
import { z } from "zod";

// Issue 13 (photos, import): settings read at call time by the media and import routes.
function mediaSettingsShape() {
  return {
    /** Largest photo upload, in bytes (the file itself); bigger: 413 `payload_too_large`. */
    MEDIA_MAX_BYTES: z.coerce.number().int().positive().default(10 * 1024 * 1024),
    /** Largest photo in pixels (width × height) decoded; bigger is refused (415) before work. */
    MEDIA_MAX_PIXELS: z.coerce.number().int().positive().default(50_000_000),
    /** Longest side of a stored photo, in pixels; larger uploads are scaled down to fit. */
    MEDIA_MAX_DIMENSION: z.coerce.number().int().positive().default(3000),
    /** Photos one account may upload per hour (counted in the database: every process); 429. */
    MEDIA_UPLOADS_PER_HOUR: z.coerce.number().int().positive().default(200),
    /** Largest plain-text story the import page reads, in characters; longer: 400. */
    IMPORT_MAX_CHARACTERS: z.coerce.number().int().positive().default(100_000),
  };
}

const MediaSettingsSchema = z.object(mediaSettingsShape());

/** The photo and import settings, from `process.env` (the running server's, tests' included). */
export type MediaSettings = z.infer<typeof MediaSettingsSchema>;
export function mediaSettings(source: NodeJS.ProcessEnv = process.env): MediaSettings {
  return MediaSettingsSchema.parse(source);
}

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
  /**
   * Longest a socket waits for its story to open, in ms: the load, and the store of the story's
   * previous room when it is reopened while that room is still being stored (which waits for
   * its commits, retries included). Past it the socket is closed with 4500 and the client
   * reconnects; the opening goes on for the next attempt.
   */
  COLLAB_ROOM_OPEN_TIMEOUT_MS: z.coerce.number().int().positive().default(30_000),
  /**
   * How often each collaboration socket is pinged, in ms; one that missed the previous ping is
   * cut and its presence removed, so a colleague whose network vanished (no close ever arrives)
   * is no longer listed within two intervals (four while the server is still sending to it, so
   * a slow link busy with a long first sync is not cut; any frame from the client counts as an
   * answer). 2 s: gone within 4 s; a ping and its pong are a few bytes, and 1,000 sockets cost a
   * few percent of one core at this rate (docs/BENCHMARKS.md). A browser answers pings from its network
   * stack even while the page's script is busy; a Node client whose event loop stalls longer
   * than an interval is cut. At most a minute: longer leaves a vanished colleague listed for minutes.
   */
  COLLAB_PING_INTERVAL_MS: z.coerce.number().int().min(100).max(60_000).default(2_000),
  /**
   * The slowest link a client may be on, in bytes per second (32 KiB/s: 256 kbit/s). A client
   * reads our ping only after what we sent before it: a socket that was handed more than this
   * carries in one ping interval (a first sync of a long story) gets one more unanswered round
   * for each interval's worth, up to COLLAB_PING_MAX_MISSED_WHILE_SENDING.
   */
  COLLAB_SLOW_LINK_BYTES_PER_SECOND: z.coerce.number().int().min(1024).default(32 * 1024),
  /** Unanswered ping rounds a socket we are still sending to may have before it is cut. */
  COLLAB_PING_MAX_MISSED_WHILE_SENDING: z.coerce.number().int().min(3).max(100).default(15),
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
   * the socket closes with 4429. A fast typist sends about 20 a second, so 500 is far above
   * real use and still bounds a flood.
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
  /**
   * Frames of one socket handled before every other socket with frames waiting has had its
   * turn (`server/collab/frameTurns.ts`): a burst of frames that are each slow to apply cannot
   * hold the process for seconds.
   */
  COLLAB_FRAMES_PER_TURN: z.coerce.number().int().positive().default(16),
  /** Frames one socket may have waiting for their turn; past it the socket is closed with 4429. */
  COLLAB_MAX_QUEUED_FRAMES: z.coerce.number().int().positive().default(4096),
  /** Bytes of those frames (at least COLLAB_MAX_MESSAGE_BYTES, so the largest message can always wait its turn). */
  COLLAB_MAX_QUEUED_FRAME_BYTES: z.coerce.number().int().positive().default(8 * 1024 * 1024),
  /**
   * Presence updates (caret, selection) one socket may send per second (burst twice). The
   * server relays each to every reader of the story, so an unbounded flood was amplified by the
   * story's readers; the default is that of document updates, which a caret moves with. 4429.
   */
  COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND: z.coerce.number().positive().default(500),
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
   * Items (characters runs, marks, deleted pieces) the server may walk to judge whether one
   * update's deletions stretch someone else's suggestion over text it never covered
   * (`newsroom/suggestionGuard.ts`). Each text touched is walked twice, whatever the number of
   * suggestions in it (an accept-all of 2,000 suggestions in a 42,000-character paragraph: about
   * 16,000 items walked); past it the update is
   * refused and the socket closes with 4429, so a crafted update cannot hold the story's turn.
   */
  COLLAB_MAX_STRETCH_WALK: z.coerce.number().int().positive().default(1_000_000),
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
  // Issue 12 (storage): snapshots by the size of the log tail.
  /**
   * Log rows since a story's last snapshot that call for a new one (written once the story is
   * quiet, or at once past twice this): every open and history view reads at most about this
   * many rows after a snapshot.
   */
  STORY_SNAPSHOT_TAIL_ROWS: z.coerce.number().int().min(10).max(1_000_000).default(2000),
  /**
   * Log bytes since the last snapshot that call for a new one (at least; a snapshot bigger
   * than this waits for a tail as big as itself, so bytes written stay near twice those received).
   */
  STORY_SNAPSHOT_TAIL_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024 * 1024).default(64 * 1024),
  /**
   * How far behind the last edit a story's time and last editor on the dashboard may be while
   * it is being edited, in ms. A commit writes the story's row (title, time, last editor) only
   * when the title changed or its time is older than this: that row is indexed by its time and
   * its whole text (search), so writing it on every keystroke re-indexed the story each time.
   * The dashboard shows minutes. 0: every commit writes it.
   */
  STORY_LIST_TOUCH_MS: z.coerce.number().int().min(0).max(60 * 60_000).default(30_000),

  // Issue 12 (embedded database off the event loop): db/pgliteWorkerClient.ts.
  /**
   * Queries and transactions that may wait for the embedded database's worker thread at once;
   * past it a new one is refused at once (EmbeddedDatabaseBusy) instead of queueing without end.
   */
  DB_WORKER_QUEUE_MAX: z.coerce.number().int().positive().default(2_000),
  /**
   * "1": on the embedded database a commit returns only after the WAL it wrote is fsynced, so
   * "saved" survives a power cut; "0": the page cache only (survives a killed process).
   */
  PGLITE_FSYNC: z.enum(["0", "1"]).default("1"),
  ...mediaSettingsShape(),

  // Issue 15: accounts (admin console, own password, single sign-on). Read where they are used
  // (server/auth/accountSettings.ts, server/auth/oidcAccounts.ts); validated here at start.
  /** How long a password reset link made in the admin console works, in ms. */
  ACCOUNT_RESET_LINK_TTL_MS: z.coerce.number().int().positive().default(60 * 60 * 1000),
  /** Sign-ins listed on /account (newest first). */
  ACCOUNT_RECENT_SIGN_INS: z.coerce.number().int().positive().max(1000).default(10),
  /** Accounts the newsroom may hold, disabled ones included; creating one more is refused (409). */
  ACCOUNTS_MAX: z.coerce.number().int().positive().default(5000),
  /** Entries of the account audit log shown in the admin console (newest first). */
  ACCOUNT_AUDIT_SHOWN: z.coerce.number().int().positive().max(10_000).default(200),
  /** 0: passwords sign nobody in (single sign-on only; needs OIDC_*). */
  PASSWORD_SIGN_IN: z.enum(["0", "1"]).default("1"),
  /** The organisation's OpenID Connect issuer (its /.well-known/openid-configuration is read). */
  OIDC_ISSUER: z.string().url().optional(),
  /** The workbench's client id and secret at that issuer (redirect URI: <origin>/api/auth/callback/oidc). */
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Text of the single sign-on button ("使用<OIDC_NAME>登录"). */
  OIDC_NAME: z.string().min(1).max(40).optional(),
  /** The claim matched to an account's username. */
  OIDC_MATCH_CLAIM: z.enum(["preferred_username", "email"]).default("preferred_username"),
  /** "reporter": someone without an account gets a reporter's account at first sign-in; unset: refused. */
  OIDC_AUTO_CREATE: z.enum(["reporter"]).optional(),
  /** 1: an admin must turn on the second factor (TOTP, at /account) before using the console. */
  ADMIN_REQUIRE_TOTP: z.enum(["0", "1"]).default("0"),
  // Issue 14: review comments and machine checks.
  /** Longest comment or reply, in characters; longer ones are refused with 400. */
  COMMENTS_MAX_TEXT_LENGTH: z.coerce.number().int().positive().default(2000),
  /** Comments (threads and replies, deleted ones included) one story may hold; past it 409. */
  COMMENTS_MAX_PER_STORY: z.coerce.number().int().positive().default(1000),
  /** Open comment streams (server-sent events) one account may hold per process; past it 429. */
  COMMENTS_MAX_STREAMS_PER_USER: z.coerce.number().int().positive().default(8),
  /** Words the sensitive-word lexicon may hold; past it adding is refused with 409. */
  LEXICON_MAX_WORDS: z.coerce.number().int().positive().default(20_000),
  /** The character-count check: most characters (whitespace not counted) a story body may have. */
  CHECKS_MAX_BODY_CHARACTERS: z.coerce.number().int().positive().default(30_000),
  /** The headline check: most characters a title may have. */
  CHECKS_MAX_HEADLINE_CHARACTERS: z.coerce.number().int().positive().default(40),
  /** Check results kept per story (one per content hash, newest first); older texts are checked again when asked for. */
  CHECKS_RUNS_KEPT_PER_STORY: z.coerce.number().int().positive().default(50),

  // Issue 13 (desk flow): search, notifications, scheduled publishing, public links.
  /** Longest search string of `GET /api/articles?q=`, in characters; longer: 400. */
  SEARCH_QUERY_MAX_CHARS: z.coerce.number().int().positive().default(200),
  /**
   * How often an open dashboard re-renders (who is writing, 待审, states), in ms; only while its
   * tab is visible. Each open dashboard costs the server one render per interval.
   */
  DASHBOARD_REFRESH_MS: z.coerce.number().int().min(1000).default(15_000),
  /** How long after the text stops changing an open story page reads 写作贡献 again, in ms (no timer otherwise). */
  CONTRIBUTIONS_REFRESH_MS: z.coerce.number().int().min(200).default(3000),
  /** Most stories one search or dashboard list returns (newest edited first). */
  SEARCH_MAX_RESULTS: z.coerce.number().int().positive().max(5000).default(500),
  /**
   * Stories written before migration 0017 get their search grams rebuilt after start, this many
   * per statement (10–18 ms each), newest first; searches stay exact meanwhile (LIKE confirms them).
   */
  SEARCH_GRAMS_BACKFILL_BATCH: z.coerce.number().int().positive().max(10_000).default(50),
  /** Pause between two such statements, in ms, so requests get the database in between. */
  SEARCH_GRAMS_BACKFILL_PAUSE_MS: z.coerce.number().int().nonnegative().default(100),
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

  // Issue 13: exports hold a story's photos in memory.
  /** Most photos one Word export embeds; a story with more is refused (413) and offered the print page. */
  EXPORT_MAX_IMAGES: z.coerce.number().int().positive().default(60),
  /** Most stored photo bytes one Word export embeds; more: 413. */
  EXPORT_MAX_IMAGE_BYTES: z.coerce.number().int().positive().default(64 * 1024 * 1024),
  /** Word exports one process builds at once; more: 429 with Retry-After. */
  EXPORT_MAX_CONCURRENT: z.coerce.number().int().positive().default(2),

  // levels: review levels (三审), sign-offs pinned to the hash, the receipt (issue 14 part B1).
  /** Most review levels the newsroom may configure; more: 400. */
  REVIEW_LEVELS_MAX: z.coerce.number().int().positive().default(5),
  /** Most accounts listed as signers of one level; more: 400. */
  REVIEW_LEVEL_SIGNERS_MAX: z.coerce.number().int().positive().default(50),
  /** Sign-offs one story may gather per submission cycle (re-signing after a change adds one); past it: 409. */
  REVIEW_SIGNOFFS_MAX_PER_STORY: z.coerce.number().int().positive().default(200),

  // bus: the story-event bus (server/events/): how much it holds at once.
  /** Events published in this process and not yet delivered to its listeners; past it an event is dropped (logged) and listeners catch up by their re-read. */
  EVENT_BUS_MAX_QUEUED: z.coerce.number().int().positive().default(10_000),
  /** Listeners (open comment and notification streams, collaboration servers) subscribed at once in a process; past it a subscription is refused. */
  EVENT_BUS_MAX_LISTENERS: z.coerce.number().int().positive().default(10_000),
  /** Scaled out: events sent to Redis and not yet acknowledged; past it an event reaches only this process. */
  EVENT_BUS_MAX_PENDING_PUBLISHES: z.coerce.number().int().positive().default(1_000),

  // fixsuggest: how many open suggestions (修订) a refused 签发/发布 lists.
  /** Open suggestions a refused approve or publish lists (the rest are counted only). */
  GATE_LISTED_SUGGESTIONS_MAX: z.coerce.number().int().positive().default(20),
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
  const oidcParts = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidcParts > 0 && oidcParts < 3) {
    throw new StartupError("single sign-on needs all of OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET.");
  }
  if (env.PASSWORD_SIGN_IN === "0" && oidcParts === 0) {
    throw new StartupError("PASSWORD_SIGN_IN=0 needs single sign-on (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET), or nobody could sign in.");
  }
  if (env.COLLAB_MAX_QUEUED_FRAME_BYTES < env.COLLAB_MAX_MESSAGE_BYTES) {
    throw new StartupError("COLLAB_MAX_QUEUED_FRAME_BYTES must be at least COLLAB_MAX_MESSAGE_BYTES, or the largest message could never wait its turn.");
  }
  return { ...env, dataDir: path.resolve(env.DATA_DIR), dev };
}

/** A configuration problem: printed without a stack trace, exit code 1. */
export class StartupError extends Error {}
