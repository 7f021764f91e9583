-- Search by character triples too (issue 13: ≤ 100 ms on 5,000 stories, PGlite included).
-- With characters and pairs only (0014), a three-character search whose pairs are common read
-- every story's text with LIKE to find nothing (PGlite 109 ms on 5,000 stories). Each story's
-- "search_grams" now also holds its distinct character triples, so a search of up to three
-- characters is decided by the GIN index alone, and a longer one needs every triple of it
-- (far fewer candidates than its pairs give), confirmed with LIKE newest first in batches that
-- stop at the result limit (`server/articles/listArticles.ts`).
--
-- This migration only replaces functions and the trigger: it does not rebuild existing stories'
-- grams (10–18 ms a story: 100,000 stories would hold startup, with no listener, for half an
-- hour). "search_grams_version" tells which rows hold the triples (1) and which still hold 0014's
-- characters and pairs only (0, every row existing now); the server brings old rows current in
-- small batches after start (`server/articles/searchGramsBackfill.ts`), and until then a
-- search treats an old row as a candidate to confirm with LIKE, so results stay exact.
CREATE OR REPLACE FUNCTION "article_search_grams"("t" text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  chars text[] := string_to_array(t, NULL);
  grams text[] := chars;
  before_previous text;
  previous text;
  c text;
BEGIN
  -- One pass appending in place (PL/pgSQL keeps the array expanded): twice as fast as SQL.
  FOREACH c IN ARRAY chars LOOP
    IF previous IS NOT NULL THEN grams := grams || (previous || c); END IF;
    IF before_previous IS NOT NULL THEN grams := grams || (before_previous || previous || c); END IF;
    before_previous := previous;
    previous := c;
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT g COLLATE "C" FROM unnest(grams) AS g);
END
$$;--> statement-breakpoint
-- The grams a story must hold to contain q: q itself up to three characters (exact), else
-- every triple of q. A new name, not a replacement of 0014's article_search_query_grams: during
-- a rolling restart the processes still on the old code keep calling that one with its meaning
-- (characters or pairs, which every row holds).
CREATE FUNCTION "article_search_triple_grams"("q" text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(q) <= 3 THEN ARRAY[q] ELSE (
    SELECT array_agg(DISTINCT (c || next || after_next) COLLATE "C")
    FROM (
      SELECT c, lead(c) OVER (ORDER BY i) AS next, lead(c, 2) OVER (ORDER BY i) AS after_next
      FROM unnest(string_to_array(q, NULL)) WITH ORDINALITY AS chars(c, i)
    ) triples
    WHERE after_next IS NOT NULL
  ) END
$$;--> statement-breakpoint
-- 0014's query grams (q's characters or pairs), which rows not yet rebuilt still hold: they narrow
-- a search's candidates among those rows (the rest confirmed with LIKE) during the backfill.
CREATE OR REPLACE FUNCTION "article_search_pair_grams"("q" text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(q) <= 1 THEN ARRAY[q] ELSE (
    SELECT array_agg(DISTINCT (c || next) COLLATE "C")
    FROM (
      SELECT c, lead(c) OVER (ORDER BY i) AS next
      FROM unnest(string_to_array(q, NULL)) WITH ORDINALITY AS chars(c, i)
    ) pairs
    WHERE next IS NOT NULL
  ) END
$$;--> statement-breakpoint
-- A constant default: no table rewrite. Every existing row is 0 (grams without triples).
ALTER TABLE "articles" ADD COLUMN "search_grams_version" smallint DEFAULT 0 NOT NULL;--> statement-breakpoint
-- The rows still to bring current: what a search adds to its candidates and what the backfill
-- takes, found without reading the table (empty, and so free, once the backfill is done).
CREATE INDEX "articles_search_grams_stale_idx" ON "articles" ("updated_at" DESC, "id" DESC) WHERE "search_grams_version" < 1;--> statement-breakpoint
-- As 0014's, and an old row is rebuilt on any write to it (the backfill writes the version to
-- itself), taking version 1.
CREATE OR REPLACE FUNCTION "articles_search_columns"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title OR NEW.body_text IS DISTINCT FROM OLD.body_text
     OR OLD.search_grams_version < 1 THEN
    NEW.search_text := lower(NEW.title || ' ' || NEW.body_text);
    NEW.search_grams := "article_search_grams"(NEW.search_text);
    NEW.search_grams_version := 1;
  ELSE
    -- Derived columns only: a write to them directly changes nothing.
    NEW.search_text := OLD.search_text;
    NEW.search_grams := OLD.search_grams;
    NEW.search_grams_version := OLD.search_grams_version;
  END IF;
  RETURN NEW;
END
$$;
