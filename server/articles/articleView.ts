import "server-only";
import { livePresence } from "../collab/livePresence";
import type { Person } from "../../newsroom/person";
import type { ArticleSummary } from "./listArticles";

export interface ArticleView extends ArticleSummary {
  /** People with the story open right now. */
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
