CREATE TABLE "review_levels" (
	"position" integer PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"any_editor" boolean DEFAULT false NOT NULL,
	"signer_ids" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "review_levels_name_unique" UNIQUE("name")
);
--> statement-breakpoint
ALTER TABLE "review_levels" ADD CONSTRAINT "review_levels_updated_by_users_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE TABLE "article_signoffs" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "article_signoffs_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"article_id" uuid NOT NULL,
	"level_position" integer NOT NULL,
	"level_name" text NOT NULL,
	"signer_id" uuid NOT NULL,
	"content_hash" text NOT NULL,
	"revision_id" bigint NOT NULL,
	"audit_entry_id" bigint,
	"by_approval" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "article_signoffs" ADD CONSTRAINT "article_signoffs_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_signoffs" ADD CONSTRAINT "article_signoffs_signer_id_users_id_fk" FOREIGN KEY ("signer_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "article_signoffs_article_id_idx" ON "article_signoffs" USING btree ("article_id","id");
