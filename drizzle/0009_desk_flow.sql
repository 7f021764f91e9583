CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "body_text" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "publish_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "publish_scheduled_by" uuid REFERENCES "users"("id");--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "withdraw_note" text;--> statement-breakpoint
UPDATE "articles" SET "body_text" = coalesce((SELECT r."text" FROM "article_revisions" r WHERE r."article_id" = "articles"."id" ORDER BY r."id" DESC LIMIT 1), '');--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "search_text" text GENERATED ALWAYS AS (lower("title" || ' ' || "body_text")) STORED;--> statement-breakpoint
CREATE INDEX "articles_search_trgm_idx" ON "articles" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "articles_publish_at_idx" ON "articles" ("publish_at") WHERE "publish_at" IS NOT NULL;--> statement-breakpoint
CREATE TABLE "notifications" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY,
	"user_id" uuid NOT NULL REFERENCES "users"("id"),
	"kind" text NOT NULL,
	"article_id" uuid REFERENCES "articles"("id") ON DELETE CASCADE,
	"actor_id" uuid REFERENCES "users"("id"),
	"message" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"read_at" timestamp with time zone
);--> statement-breakpoint
CREATE INDEX "notifications_user_id_idx" ON "notifications" ("user_id", "id");--> statement-breakpoint
CREATE INDEX "notifications_unread_idx" ON "notifications" ("user_id") WHERE "read_at" IS NULL;
