ALTER TABLE "article_audit" ADD COLUMN "hash_algorithm" text DEFAULT 'sha256' NOT NULL;--> statement-breakpoint
ALTER TABLE "article_revisions" ADD COLUMN "deletions" jsonb;