import { relations } from "drizzle-orm";
import {
  bigint,
  boolean,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uuid,
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
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
});

export const articles = pgTable("articles", {
  id: uuid("id").primaryKey().defaultRandom(),
  /** Cached from the live document's `title` fragment on every commit, for lists. */
  title: text("title").notNull().default(""),
  state: text("state").notNull().default("draft"),
  createdBy: uuid("created_by").references(() => users.id),
  lastEditedBy: uuid("last_edited_by").references(() => users.id),
  createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp("updated_at", { withTimezone: true }).notNull().defaultNow(),
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
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    articleId: uuid("article_id")
      .notNull()
      .references(() => articles.id, { onDelete: "cascade" }),
    userId: uuid("user_id").references(() => users.id),
    update: bytea("update").notNull(),
    createdAt: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index("article_updates_article_id_idx").on(t.articleId, t.id)],
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

