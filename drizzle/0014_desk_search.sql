-- Search by character pairs (issue 13: ≤ 100 ms on 5,000 stories). pg_trgm's trigrams cannot
-- serve the two-character words Chinese searches are made of, and its index went unused: every
-- search read every story (375–690 ms). Each story now keeps the distinct characters and
-- character pairs of its lower-cased title and text in "search_grams" (GIN index): a search
-- for q needs every pair of q (its one character when q is one character long), which is exact
-- for q of one or two characters and is checked with LIKE on "search_text" past that. A trigger
-- keeps both columns, recomputing them only when the title or the text changed: the row is
-- touched on every save (title, updated_at) and must not rebuild its index entries each time.
CREATE FUNCTION "article_search_grams"("t" text) RETURNS text[] LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
  chars text[] := string_to_array(t, NULL);
  grams text[] := chars;
  previous text;
  c text;
BEGIN
  -- One pass appending in place (PL/pgSQL keeps the array expanded): twice as fast as SQL.
  FOREACH c IN ARRAY chars LOOP
    IF previous IS NOT NULL THEN grams := grams || (previous || c); END IF;
    previous := c;
  END LOOP;
  RETURN ARRAY(SELECT DISTINCT g COLLATE "C" FROM unnest(grams) AS g);
END
$$;--> statement-breakpoint
CREATE FUNCTION "article_search_query_grams"("q" text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT CASE WHEN char_length(q) <= 1 THEN ARRAY[q] ELSE (
    SELECT array_agg(DISTINCT (c || next) COLLATE "C")
    FROM (
      SELECT c, lead(c) OVER (ORDER BY i) AS next
      FROM unnest(string_to_array(q, NULL)) WITH ORDINALITY AS chars(c, i)
    ) pairs
    WHERE next IS NOT NULL
  ) END
$$;--> statement-breakpoint
DROP INDEX IF EXISTS "articles_search_trgm_idx";--> statement-breakpoint
ALTER TABLE "articles" ALTER COLUMN "search_text" DROP EXPRESSION;--> statement-breakpoint
ALTER TABLE "articles" ALTER COLUMN "search_text" SET DEFAULT '';--> statement-breakpoint
ALTER TABLE "articles" ADD COLUMN "search_grams" text[] DEFAULT '{}' NOT NULL;--> statement-breakpoint
UPDATE "articles" SET "search_text" = lower("title" || ' ' || "body_text");--> statement-breakpoint
UPDATE "articles" SET "search_grams" = "article_search_grams"("search_text");--> statement-breakpoint
ALTER TABLE "articles" ALTER COLUMN "search_text" SET NOT NULL;--> statement-breakpoint
CREATE FUNCTION "articles_search_columns"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' OR NEW.title IS DISTINCT FROM OLD.title OR NEW.body_text IS DISTINCT FROM OLD.body_text THEN
    NEW.search_text := lower(NEW.title || ' ' || NEW.body_text);
    NEW.search_grams := "article_search_grams"(NEW.search_text);
  ELSE
    -- Derived columns only: a write to them directly changes nothing.
    NEW.search_text := OLD.search_text;
    NEW.search_grams := OLD.search_grams;
  END IF;
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "articles_search_columns" BEFORE INSERT OR UPDATE ON "articles"
  FOR EACH ROW EXECUTE FUNCTION "articles_search_columns"();--> statement-breakpoint
CREATE INDEX "articles_search_grams_idx" ON "articles" USING gin ("search_grams");--> statement-breakpoint
-- Narrower copies of uploaded photos for srcset (`newsroom/mediaVariants.ts`: a fixed list of
-- widths, so at most that many rows per photo), made on first request and kept with the photo.
CREATE TABLE "media_variants" (
	"media_id" uuid NOT NULL REFERENCES "media"("id") ON DELETE CASCADE,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"content_type" text NOT NULL,
	"bytes" bytea NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	PRIMARY KEY ("media_id", "width")
);
