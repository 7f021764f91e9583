-- A stored check result says which sensitive-word lexicon it ran against (a fingerprint of
-- its words): once admins change the lexicon, the stored result for the same text no longer
-- counts and the checks run again, so a word added after the check cannot slip through 签发.
-- Rows stored before this carry '' and are checked again when next asked for.
ALTER TABLE "article_check_runs" ADD COLUMN "lexicon_version" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- An override of the sensitive-word check holds only for the lexicon it was given under: a word
-- added since must be looked at (and overridden) again. Older rows carry '' and no longer count.
ALTER TABLE "article_check_overrides" ADD COLUMN "lexicon_version" text DEFAULT '' NOT NULL;--> statement-breakpoint
-- One row counting the lexicon's changes, bumped in the same transaction as the words: every
-- process reads it (one row) to know whether its cached lexicon is still the newsroom's, so a
-- checks read does not load and hash every word.
CREATE TABLE "lexicon_revision" (
	"id" integer PRIMARY KEY NOT NULL,
	"revision" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "lexicon_revision_single_row" CHECK ("id" = 1)
);--> statement-breakpoint
INSERT INTO "lexicon_revision" ("id", "revision") VALUES (1, 0);
