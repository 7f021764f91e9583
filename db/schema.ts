import "server-only";
import { relations, sql } from "drizzle-orm";
import {
  bigint,
  bigserial,
  boolean,
  customType,
  index,
  jsonb,
  integer,
  smallint,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
  type AnyPgColumn,
} from "drizzle-orm/pg-core";

/** Binary Yjs data. PGlite hands back Uint8Array, node-postgres a Buffer (also a Uint8Array). */
const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => "bytea",
});

export const users = pgTable("users", {
  id: uuid("id").primaryKey().defaultRandom(),
  username: text("username").notNull().unique(),
  displayName: text("display_name").notNull(),
  role: text("role").notNull(),
  bylineLabel: text("byline_label").notNull(),
  passwordHash: text("password_hash").notNull(),
  disabled: boolean("disabled").notNull().default(false),
  /** Palette slot for carets and authorship colours (newsroom/userColor.ts). */
  colorIndex: integer("color_index").notNull().default(0),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  /** Set by a temporary password (admin reset or creation): it signs in only to choose a new one. */
  mustChangePassword: boolean("must_change_password").notNull().default(false),
  /** Base32 TOTP secret of the optional second factor; null when it is off. */
  totpSecret: text("totp_secret"),
});

export const articles = pgTable("articles", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Cached from the live document's `title` fragment on every commit, for lists. */
  title: text("title").notNull().default(""),
  state: text("state").notNull().default("draft"),
  /** The place line that ends the byline ("长沙报道"). */
  dateline: text("dateline").notNull().default("长沙报道"),
  createdBy: uuid("created_by").references(() => users.id),
  lastEditedBy: uuid("last_edited_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
  /** The editor's note with the last "request changes", shown to the reporters. */
  changesNote: text("changes_note"),
  /** The revision the editor approved (pinned: publishing serves exactly this). */
  approvedRevisionId: bigint("approved_revision_id", { mode: "number" }),
  /** The revision the public page serves. */
  publishedRevisionId: bigint("published_revision_id", { mode: "number" }),
  slug: text("slug").unique(),
  firstPublishedAt: timestamp("first_published_at", { withTimezone: true }),
  publishedAt: timestamp("published_at", { withTimezone: true }),
  /** Reader-facing correction note of an open or published correction. */
  correctionNote: text("correction_note"),
  correctedAt: timestamp("corrected_at", { withTimezone: true }),
  /** Hash of the newest audit entry. */
  auditHead: text("audit_head"),
  /** Number of audit entries, kept with the head so dropping the newest ones is detected. */
  auditEntries: integer("audit_entries").notNull().default(0),
  /**
   * HMAC (the audit key) over the article id, `audit_entries` and `audit_head`: a database-only
   * attacker cannot move the head back after deleting the newest entries (auditChain.ts).
   */
  auditHeadMac: text("audit_head_mac"),
  /**
   * The body of an imported story (`StoryBlock[]`), written once as the live document's first
   * content when its room first loads (DESIGN.md §3); null for a story started empty.
   */
  initialBody: jsonb("initial_body"),
  /**
   * The story's plain text as of its newest stored version (every checkpoint, named version,
   * transition and restore writes it), searched with the title.
   */
  bodyText: text("body_text").notNull().default(""),
  /**
   * `lower(title || ' ' || body_text)`, kept by the trigger `articles_search_columns` (migration
   * 0014) when the title or the text changes: what a search of four characters or more checks.
   */
  searchText: text("search_text").notNull().default(""),
  /**
   * The distinct characters, character pairs and triples of `search_text` (`article_search_grams`, same
   * trigger; triples since migration 0017), GIN-indexed: what makes a search index-backed (`listArticles.ts`).
   */
  searchGrams: text("search_grams").array().notNull().default(sql`'{}'`),
  /**
   * Which `article_search_grams` built `search_grams`: 1 with triples (0017), 0 for a row written
   * before it (characters and pairs only), brought current by `searchGramsBackfill.ts`.
   */
  searchGramsVersion: smallint("search_grams_version").notNull().default(0),
  /** When an approved story is to be published by itself (定时发布); null when not scheduled. */
  publishAt: timestamp("publish_at", { withTimezone: true }),
  /** The editor who scheduled it: the scheduled publication is theirs. */
  publishScheduledBy: uuid("publish_scheduled_by").references(() => users.id),
  /** Reader-facing reason of a withdrawal (撤稿说明), shown on the withdrawn page. */
  withdrawNote: text("withdraw_note"),
});

/** The reporters on an article's byline, in byline order. */
export const articleMembers = pgTable(
  "article_members",
  {
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    label: text("label").notNull(),
    position: integer("position").notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.userId] })],
);

/**
 * The append-only update log (DESIGN.md §3): every Yjs update a client sent, with the user who
 * sent it. Never rewritten: history, authorship and time travel are read from it. `user_id` is
 * null for content the server itself created (a new story's first paragraph).
 */
export const articleUpdates = pgTable(
  "article_updates",
  {
    id: bigint("id", { mode: "number" }).notNull().generatedAlwaysAsIdentity(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id),
    update: bytea("update").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  // Every read is by story and id: one index (the key) serves them all, a second would only
  // cost bytes on every row (migration 0015).
  (t) => [primaryKey({ columns: [t.articleId, t.id] })],
);

/** Merged document state covering every log row of the article up to `up_to_update_id`. */
export const articleSnapshots = pgTable(
  "article_snapshots",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    upToUpdateId: bigint("up_to_update_id", { mode: "number" }).notNull(),
    state: bytea("state").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("article_snapshots_article_id_idx").on(t.articleId, t.upToUpdateId)],
);

/**
 * A version of a story (DESIGN.md §3): full Yjs state, ProseMirror JSON, plain text and the
 * SHA-256 of its canonical content. Every workflow transition writes one; approval pins one.
 */
export const articleRevisions = pgTable(
  "article_revisions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    /** "transition", "named" or "checkpoint". */
    kind: text("kind").notNull(),
    name: text("name"),
    /** Highest update log row the revision includes. */
    upToUpdateId: bigint("up_to_update_id", { mode: "number" }).notNull(),
    state: bytea("state").notNull(),
    title: text("title").notNull(),
    bodyJson: jsonb("body_json").notNull(),
    text: text("text").notNull(),
    /** Byline at the time: [{ name, label }] in order. */
    byline: jsonb("byline").notNull(),
    dateline: text("dateline").notNull(),
    contentHash: text("content_hash").notNull(),
    /** Characters added and removed since the previous revision (whitespace not counted). */
    charsAdded: integer("chars_added").notNull().default(0),
    charsRemoved: integer("chars_removed").notNull().default(0),
    /** Ids of the people whose updates lie between the previous revision and this one. */
    editors: jsonb("editors").notNull().default([]),
    /**
     * Who deleted what in the log rows after `after` up to this version (`{after, ranges}`,
     * server/history/storedDeletions.ts), so comparisons read versions instead of the log.
     * Null for versions stored before it was kept.
     */
    deletions: jsonb("deletions"),
    createdBy: uuid("created_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("article_revisions_article_id_idx").on(t.articleId, t.id)],
);

/**
 * Which user each Yjs client id of an article belongs to: the first user whose update carried
 * it. Authorship is read through this, never from what a client claims about itself.
 */
export const articleClients = pgTable(
  "article_clients",
  {
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    clientId: bigint("client_id", { mode: "number" }).notNull(),
    /** Null for content the server created itself. */
    userId: uuid("user_id").references(() => users.id),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.clientId] })],
);

/**
 * Every workflow transition, hash-chained per article: each entry's HMAC covers its fields and
 * the previous entry's hash, so an altered or deleted row breaks the chain, and without the
 * server's audit key nobody can recompute a chain that verifies.
 */
export const articleAudit = pgTable(
  "article_audit",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id")
      .notNull()
      .references(() => users.id),
    action: text("action").notNull(),
    fromState: text("from_state").notNull(),
    toState: text("to_state").notNull(),
    note: text("note"),
    contentHash: text("content_hash").notNull(),
    revisionId: bigint("revision_id", { mode: "number" }),
    prevHash: text("prev_hash").notNull(),
    entryHash: text("entry_hash").notNull(),
    /**
     * "hmac-sha256" (keyed with a secret outside the database) for every entry written now;
     * "sha256" for entries written before the chain was keyed, until the one-time re-sign at
     * start. Only keyed entries verify (server/articles/auditChain.ts).
     */
    hashAlgorithm: text("hash_algorithm").notNull().default("sha256"),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("article_audit_article_id_idx").on(t.articleId, t.id)],
);

/**
 * One row once this database's unkeyed (pre-HMAC) audit chains have been re-signed with the key,
 * at the first start after the upgrade (server/articles/auditResign.ts). While it exists nothing
 * is re-signed again (nor without it once any story has a keyed head), so an entry downgraded
 * to unkeyed later stays a break.
 */
export const auditLegacyResign = pgTable("audit_legacy_resign", {
  /** Always 1: there is one re-sign per database. */
  id: integer("id").primaryKey(),
  resignedAt: timestamp("resigned_at", { withTimezone: true }).notNull(),
  /** Chains re-signed (their entries re-keyed and their head written). */
  chains: integer("chains").notNull(),
  /** Chains left as they were because they did not verify even unkeyed (they show as broken). */
  skipped: integer("skipped").notNull(),
});

/**
 * Sessions ended by signing out. Sessions are stateless JWTs, so a copied cookie would stay
 * valid until it expires; every session check also looks here. Rows can go once expired.
 */
export const revokedSessions = pgTable(
  "revoked_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("revoked_sessions_expires_at_idx").on(t.expiresAt)],
);

/**
 * Failed sign-ins, per account and per address, for the sign-in limits. In the database (not
 * in memory) so every process of a scaled-out newsroom counts the same attempts.
 */
export const signInFailures = pgTable(
  "sign_in_failures",
  {
    id: bigserial("id", { mode: "number" }).primaryKey(),
    scope: text("scope").notNull(),
    key: text("key").notNull(),
    failedAt: timestamp("failed_at", { withTimezone: true }).notNull(),
  },
  (t) => [index("sign_in_failures_key_idx").on(t.scope, t.key, t.failedAt)],
);

/**
 * Uploaded photos (issue 13), kept in the database so every process serves them without a
 * shared disk. `bytes` is the re-encoded image (metadata stripped), never what was uploaded.
 */
export const media = pgTable(
  "media",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    contentType: text("content_type").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    byteSize: integer("byte_size").notNull(),
    bytes: bytea("bytes").notNull(),
    uploadedBy: uuid("uploaded_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("media_uploaded_by_idx").on(t.uploadedBy, t.createdAt)],
);

/**
 * Narrower copies of a photo for srcset (`newsroom/mediaVariants.ts` lists the widths, so a
 * photo has at most that many), made on first request (`server/media/mediaVariant.ts`).
 */
export const mediaVariants = pgTable(
  "media_variants",
  {
    mediaId: uuid("media_id")
      .notNull()
      .references(() => media.id, { onDelete: "cascade" }),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    contentType: text("content_type").notNull(),
    bytes: bytea("bytes").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.mediaId, t.width] })],
);

/**
 * Every change to an account (created, edited, disabled, password reset or changed): who did
 * it, when, what. `actor_id` is null for changes made from the command line (admin:create).
 */
export const accountAudit = pgTable("account_audit", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  actorId: uuid("actor_id").references(() => users.id),
  targetId: uuid("target_id")
    .notNull()
    .references(() => users.id),
  action: text("action").notNull(),
  /** What changed, e.g. `{role: {from, to}}`; never a password or a secret. */
  detail: jsonb("detail").notNull().default({}),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull(),
});

/**
 * Every session issued (one row per sign-in): the recent sign-ins an account owner sees, and
 * the ids "sign out everywhere", a password change and disabling revoke. Kept as long as a
 * session can live (server/auth/sessionLifetime.ts).
 */
export const accountSessions = pgTable(
  "account_sessions",
  {
    sessionId: text("session_id").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    signedInAt: timestamp("signed_in_at", { withTimezone: true }).notNull(),
    address: text("address").notNull(),
    /** The browser's User-Agent, shortened. */
    device: text("device").notNull(),
    /** "password" or "oidc". */
    method: text("method").notNull(),
  },
  (t) => [index("account_sessions_user_idx").on(t.userId, t.signedInAt), index("account_sessions_signed_in_idx").on(t.signedInAt)],
);

/** One-time password reset links: only the SHA-256 of the token is stored. */
export const passwordResets = pgTable(
  "password_resets",
  {
    tokenHash: text("token_hash").primaryKey(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    createdBy: uuid("created_by").references(() => users.id),
    expiresAt: timestamp("expires_at", { withTimezone: true }).notNull(),
    usedAt: timestamp("used_at", { withTimezone: true }),
  },
  (t) => [index("password_resets_user_idx").on(t.userId)],
);

/**
 * Review comments (issue 14): a thread is its first comment (`thread_id` null) with the anchor,
 * replies point at it. Kept in the database, not in the shared document, so the server decides
 * who may write them. The anchor is base64 of two `Y.encodeRelativePosition`s in the `body`
 * fragment, resolved against the live document by each client; `quote` keeps the text it
 * covered, shown when that text is deleted. Deleting keeps the row (`deleted_at`, text cleared)
 * so replies keep their thread.
 */
export const articleComments = pgTable(
  "article_comments",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    threadId: uuid("thread_id").references((): AnyPgColumn => articleComments.id, { onDelete: "cascade" }),
    authorId: uuid("author_id")
      .notNull()
      .references(() => users.id),
    anchorStart: text("anchor_start"),
    anchorEnd: text("anchor_end"),
    quote: text("quote"),
    text: text("text").notNull(),
    /** Ids of the newsroom members @mentioned (the notification is built from these). */
    mentions: jsonb("mentions").$type<string[]>().notNull().default([]),
    resolvedAt: timestamp("resolved_at", { withTimezone: true }),
    resolvedBy: uuid("resolved_by").references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    editedAt: timestamp("edited_at", { withTimezone: true }),
    deletedAt: timestamp("deleted_at", { withTimezone: true }),
  },
  (t) => [index("article_comments_article_id_idx").on(t.articleId, t.createdAt)],
);

/** Machine check results (newsroom/checks/) for one content hash of a story: pinned to the text. */
export const articleCheckRuns = pgTable(
  "article_check_runs",
  {
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    contentHash: text("content_hash").notNull(),
    results: jsonb("results").notNull(),
    /** The lexicon the sensitive-word check ran against (lexiconVersion): another one means run again. */
    lexiconVersion: text("lexicon_version").notNull().default(""),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.contentHash] })],
);

/** An editor's override of one failed check for one content hash, with the reason (also audited). */
export const articleCheckOverrides = pgTable(
  "article_check_overrides",
  {
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    contentHash: text("content_hash").notNull(),
    checkId: text("check_id").notNull(),
    reason: text("reason").notNull(),
    /** The lexicon it was given under (lexiconVersion): a sensitive-word override holds for that lexicon only. */
    lexiconVersion: text("lexicon_version").notNull().default(""),
    actorId: uuid("actor_id")
      .notNull()
      .references(() => users.id),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.contentHash, t.checkId] })],
);

/** The sensitive-word lexicon (敏感词) admins manage; no list ships with the product. */
export const sensitiveWords = pgTable("sensitive_words", {
  id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
  word: text("word").notNull().unique(),
  createdBy: uuid("created_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * One row (id 1) counting the lexicon's changes, bumped in the transaction that changes the
 * words: each process caches the lexicon with the revision it read (server/review/lexicon.ts).
 */
export const lexiconRevision = pgTable("lexicon_revision", {
  id: integer("id").primaryKey(),
  revision: bigint("revision", { mode: "number" }).notNull().default(0),
});

/**
 * The newsroom's review levels (三审, issue 14), in order: who may sign each. No rows: the
 * default single level, signed by the editor's 签发 itself (newsroom/reviewLevels.ts).
 */
export const reviewLevels = pgTable("review_levels", {
  /** 1 for the first level (初审), then 2, 3, … */
  position: integer("position").primaryKey(),
  name: text("name").notNull().unique(),
  /** Any editor may sign this level (then `signer_ids` is empty). */
  anyEditor: boolean("any_editor").notNull().default(false),
  /** The accounts that may sign this level. */
  signerIds: jsonb("signer_ids").$type<string[]>().notNull().default([]),
  updatedBy: uuid("updated_by").references(() => users.id),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
});

/**
 * Every sign-off of a review level (issue 14), pinned to the content hash it signed and the
 * version written with it (so "what changed since you signed" can be computed), with its audit
 * entry. Never deleted: a sign-off whose hash is no longer the story's simply no longer counts.
 */
export const articleSignoffs = pgTable(
  "article_signoffs",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    /** The level's place and name when it was signed (the setting may change later). */
    levelPosition: integer("level_position").notNull(),
    levelName: text("level_name").notNull(),
    signerId: uuid("signer_id")
      .notNull()
      .references(() => users.id),
    contentHash: text("content_hash").notNull(),
    revisionId: bigint("revision_id", { mode: "number" }).notNull(),
    auditEntryId: bigint("audit_entry_id", { mode: "number" }),
    /** Signed by the 签发 itself (the default single level), not by its own request. */
    byApproval: boolean("by_approval").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("article_signoffs_article_id_idx").on(t.articleId, t.id)],
);

/**
 * What a person is told in the app (the bell): written in the same transaction as the change
 * that causes it, read and marked read by its recipient only.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid("user_id")
      .notNull()
      .references(() => users.id),
    /** `NotificationKind` (newsroom/notificationKinds.ts). */
    kind: text("kind").notNull(),
    articleId: uuid("article_id").references(() => articles.id, { onDelete: "cascade" }),
    actorId: uuid("actor_id").references(() => users.id),
    message: text("message").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
    readAt: timestamp("read_at", { withTimezone: true }),
  },
  (t) => [index("notifications_user_id_idx").on(t.userId, t.id)],
);

export const articlesRelations = relations(articles, ({ many }) => ({
  members: many(articleMembers),
}));

export const articleMembersRelations = relations(articleMembers, ({ one }) => ({
  article: one(articles, { fields: [articleMembers.articleId], references: [articles.id] }),
  user: one(users, { fields: [articleMembers.userId], references: [users.id] }),
}));

export type User = typeof users.$inferSelect;
export type Article = typeof articles.$inferSelect;
export type ArticleMember = typeof articleMembers.$inferSelect;
export type ArticleRevision = typeof articleRevisions.$inferSelect;
export type AuditEntry = typeof articleAudit.$inferSelect;
export type AccountAuditEntry = typeof accountAudit.$inferSelect;
export type Notification = typeof notifications.$inferSelect;

export type ArticleComment = typeof articleComments.$inferSelect;
export type SensitiveWord = typeof sensitiveWords.$inferSelect;
export type ReviewLevelRow = typeof reviewLevels.$inferSelect;
export type ArticleSignoff = typeof articleSignoffs.$inferSelect;
