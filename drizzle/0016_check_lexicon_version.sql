-- A stored check result says which sensitive-word lexicon it ran against (a fingerprint of
-- its words): once admins change the lexicon, the stored result for the same text no longer
-- counts and the checks run again, so a word added after the check cannot slip through 签发.
-- Rows stored before this carry '' and are checked again when next asked for.
ALTER TABLE "article_check_runs" ADD COLUMN "lexicon_version" text DEFAULT '' NOT NULL;
