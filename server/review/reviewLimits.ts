import "server-only";
/**
 * Limits of review comments and checks (server/env.ts, issue 14 block), read at call time like
 * the sign-in window: route handlers run in Next's bundle, which sees process.env, not `Env`.
 */
const setting = (name: string, fallback: number) => () => Number(process.env[name]) || fallback;

export const maxCommentLength = setting("COMMENTS_MAX_TEXT_LENGTH", 2000);
export const maxCommentsPerStory = setting("COMMENTS_MAX_PER_STORY", 1000);
export const maxCommentStreamsPerUser = setting("COMMENTS_MAX_STREAMS_PER_USER", 8);
export const maxLexiconWords = setting("LEXICON_MAX_WORDS", 20_000);
export const maxBodyCharacters = setting("CHECKS_MAX_BODY_CHARACTERS", 30_000);
export const maxHeadlineCharacters = setting("CHECKS_MAX_HEADLINE_CHARACTERS", 40);
export const checkRunsKeptPerStory = setting("CHECKS_RUNS_KEPT_PER_STORY", 50);
