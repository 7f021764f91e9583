import "server-only";
/**
 * Limits of review levels and sign-offs (server/env.ts, the `levels` block), read at call time:
 * route handlers run in Next's bundle, which sees process.env, not `Env`.
 */
const setting = (name: string, fallback: number) => () => Number(process.env[name]) || fallback;

export const maxReviewLevels = setting("REVIEW_LEVELS_MAX", 5);
export const maxLevelSigners = setting("REVIEW_LEVEL_SIGNERS_MAX", 50);
export const maxSignoffsPerStory = setting("REVIEW_SIGNOFFS_MAX_PER_STORY", 200);
