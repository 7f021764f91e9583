CREATE TABLE "article_clients" (
	"article_id" uuid NOT NULL,
	"client_id" bigint NOT NULL,
	"user_id" uuid,
	CONSTRAINT "article_clients_article_id_client_id_pk" PRIMARY KEY("article_id","client_id")
);
--> statement-breakpoint
ALTER TABLE "article_revisions" ADD COLUMN "chars_added" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "article_revisions" ADD COLUMN "chars_removed" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "article_revisions" ADD COLUMN "editors" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "article_clients" ADD CONSTRAINT "article_clients_article_id_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "article_clients" ADD CONSTRAINT "article_clients_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;