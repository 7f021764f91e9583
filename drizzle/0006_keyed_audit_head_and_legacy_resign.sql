CREATE TABLE "audit_legacy_resign" (
	"id" integer PRIMARY KEY NOT NULL,
	"resigned_at" timestamp with time zone NOT NULL,
	"chains" integer NOT NULL,
	"skipped" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "audit_entries" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "audit_head_mac" text;