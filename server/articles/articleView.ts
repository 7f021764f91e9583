import "server-only";
import { livePresence } from "../collab/livePresence";
import type { Person } from "../../newsroom/person";
import type { ArticleSummary } from "./listArticles";

export interface ArticleView extends ArticleSummary {
  /** People editing the story right now: connected and allowed to write (readers along are left out). */
  present: Person[];
}

/** Adds who is in each story now (from this process's open rooms). */
export function withPresence(summaries: ArticleSummary[]): ArticleView[] {
  const presence = livePresence();
  return summaries.map((summary) => ({
    ...summary,
    present: (presence.get(summary.id) ?? []).map(({ id, name, color }: Person) => ({ id, name, color })),
  }));
}
