import * as Y from "yjs";
import type { Db } from "../../db/client";
import { loadClientOwners } from "../collab/clientOwners";
import { loadStoredDocument } from "../collab/updateLog";
import { compareVersions } from "./compareVersions";
import { peopleById, type PersonRef } from "./versionQueries";

/**
 * Who wrote the story as it stands: the owner of every Yjs client id (for colouring text in
 * the editor) and how many of the current characters each person wrote.
 */
export async function authorship(db: Db, articleId: string) {
  const owners = await loadClientOwners(db, articleId);
  const stored = await loadStoredDocument(db, articleId);
  const empty = Y.encodeStateAsUpdate(new Y.Doc());
  const current = await compareVersions(
    db,
    articleId,
    { state: empty, upToUpdateId: 0 },
    { state: stored.state ?? empty, upToUpdateId: stored.lastUpdateId },
  );
  const people = await peopleById(db, owners.values());
  const contributions = current.authors
    .filter((a) => a.author !== null && people.has(a.author))
    .map((a) => ({ ...(people.get(a.author!) as PersonRef), chars: a.inserted }))
    .filter((c) => c.chars > 0);
  return {
    clients: Object.fromEntries([...owners].map(([client, user]) => [String(client), user])),
    people: Object.fromEntries(people),
    contributions,
  };
}
