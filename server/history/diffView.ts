import "server-only";
import type { Db } from "../../db/client";
import type { VersionDiff } from "../../newsroom/versionDiff";
import { compareVersions, type VersionPoint } from "./compareVersions";
import type { Person } from "../../newsroom/person";
import { peopleById } from "./versionQueries";

/** A comparison with every author id resolved to a name and colour (what page and API show). */
export async function diffView(db: Db, articleId: string, from: VersionPoint, to: VersionPoint) {
  const diff: VersionDiff = await compareVersions(db, articleId, from, to);
  const ids = [
    ...diff.title.map((s) => s.author),
    ...diff.blocks.flatMap((b) => b.spans.map((s) => s.author)),
    ...diff.authors.map((a) => a.author),
  ];
  const people = await peopleById(db, ids);
  const system: Person = { id: "system", name: "系统", color: "#6b7280" };
  return {
    ...diff,
    people: Object.fromEntries([...people].map(([id, p]) => [id, p])),
    authors: diff.authors.map((a) => ({ ...(a.author ? (people.get(a.author) ?? system) : system), inserted: a.inserted, deleted: a.deleted })),
  };
}
