import "server-only";
import type { OpenSuggestion } from "../../newsroom/suggestions";

/**
 * How much of the open suggestions a refused 签发 or 发布 lists (server/env.ts, the
 * `fixsuggest` block), read at call time: route handlers run in Next's bundle, which sees
 * process.env, not `Env`. A story may hold thousands of suggestions; the 409 says how many and
 * shows the first few, each with a short excerpt of its text.
 */
export const maxListedSuggestions = () => Number(process.env.GATE_LISTED_SUGGESTIONS_MAX) || 20;

/** Characters of a listed suggestion's text; longer text ends in "…". */
export const SUGGESTION_EXCERPT_CHARS = 40;

/** The first `maxListedSuggestions()` suggestions, each text cut to an excerpt. */
export function listedSuggestions(open: readonly OpenSuggestion[]): OpenSuggestion[] {
  return open.slice(0, maxListedSuggestions()).map((s) => {
    const chars = [...s.text];
    return chars.length > SUGGESTION_EXCERPT_CHARS ? { ...s, text: `${chars.slice(0, SUGGESTION_EXCERPT_CHARS).join("")}…` } : s;
  });
}
