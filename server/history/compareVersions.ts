import "server-only";
import type { Db } from "../../db/client";
import { diffVersions, type DeletionIndex, type VersionDiff } from "../../newsroom/versionDiff";
import { loadClientOwners } from "../storyLog/clientOwners";
import { deletionsBetween } from "./storedDeletions";

/** A point in a story's history: its full state and the log row it reaches. */
export interface VersionPoint {
  state: Uint8Array;
  upToUpdateId: number;
}

/**
 * Compares two points of one story, attributing every insertion to its author (the owner of
 * the Yjs client id that made it) and every deletion to the sender of the logged update that
 * deleted it. The order of the arguments does not matter. Deletions come from the versions
 * stored between the two points and the log rows no version covers (`deletions`, when the
 * caller already has them).
 */
export async function compareVersions(
  db: Db,
  articleId: string,
  a: VersionPoint,
  b: VersionPoint,
  deletions?: DeletionIndex,
): Promise<VersionDiff> {
  const [older, newer] = a.upToUpdateId <= b.upToUpdateId ? [a, b] : [b, a];
  const owners = await loadClientOwners(db, articleId);
  const deleted = deletions ?? (await deletionsBetween(db, articleId, older.upToUpdateId, newer.upToUpdateId));
  return diffVersions(newer.state, older.upToUpdateId === 0 ? null : older.state, {
    authorOf: (client) => owners.get(client) ?? null,
    deleterOf: (id) => {
      const deleter = deleted.deleterOf(id);
      return deleter === undefined ? (owners.get(id.client) ?? null) : deleter;
    },
  });
}
