-- One index per log row instead of two: the story's rows are always read by story and id,
-- so the primary key becomes (article_id, id) and the separate (article_id, id) index goes.
-- A log row costs about 20 bytes less on disk (issue 12: bytes written per byte received).
ALTER TABLE "article_updates" DROP CONSTRAINT "article_updates_pkey";--> statement-breakpoint
ALTER TABLE "article_updates" ADD CONSTRAINT "article_updates_article_id_id_pk" PRIMARY KEY ("article_id","id");--> statement-breakpoint
DROP INDEX IF EXISTS "article_updates_article_id_idx";
