import "server-only";
import type { ArticleRevision } from "../../db/schema";
import type { Person } from "../../newsroom/person";

const KIND_ZH: Record<string, string> = {
  checkpoint: "自动保存",
  named: "命名版本",
  transition: "流程节点",
  restore: "恢复",
};

/** A revision as the API and the history page show it (no binary state). */
export function revisionView(revision: ArticleRevision, people: Map<string, Person>) {
  return {
    id: revision.id,
    kind: revision.kind,
    kindName: KIND_ZH[revision.kind] ?? revision.kind,
    name: revision.name,
    createdAt: revision.createdAt.toISOString(),
    createdBy: revision.createdBy ? (people.get(revision.createdBy) ?? null) : null,
    editors: (revision.editors as string[]).map((id) => people.get(id)).filter(Boolean),
    charsAdded: revision.charsAdded,
    charsRemoved: revision.charsRemoved,
    contentHash: revision.contentHash,
    upToUpdateId: revision.upToUpdateId,
    title: revision.title,
  };
}

export function peopleOfRevisions(revisions: ArticleRevision[]): (string | null)[] {
  return revisions.flatMap((r) => [r.createdBy, ...(r.editors as string[])]);
}
