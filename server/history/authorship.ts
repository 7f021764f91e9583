import "server-only";
import type { Db } from "../../db/client";
import { diffVersions } from "../../newsroom/versionDiff";
import { loadClientOwners, type ClientOwners } from "../storyLog/clientOwners";
import { lastLogRowId } from "../storyLog/logRows";
import { loadStoredDocument } from "../storyLog/storedDocument";
import type { Person } from "../../newsroom/person";
import { peopleById } from "./versionQueries";

/** Characters of the current text per author id, at one log position. */
interface CachedAuthorship {
  lastUpdateId: number;
  owners: ClientOwners;
  charsByAuthor: Map<string, number>;
}

const GLOBAL_KEY = Symbol.for("newsroom.authorshipCache");
type GlobalWithCache = typeof globalThis & { [GLOBAL_KEY]?: Map<string, CachedAuthorship> };

/** Stories whose authorship is kept in memory (least recently asked for goes first). */
const cacheLimit = () => Number(process.env.HISTORY_AUTHORSHIP_CACHE_STORIES) || 200;

function cache(): Map<string, CachedAuthorship> {
  return ((globalThis as GlobalWithCache)[GLOBAL_KEY] ??= new Map());
}

/**
 * Counts, for the story as it stands, how many characters each person wrote. Deleted text is
 * in neither an empty story nor the current one, so no deletion needs attributing and no log
 * row before the newest stored state is read.
 */
async function computeAuthorship(db: Db, articleId: string): Promise<CachedAuthorship> {
  const stored = await loadStoredDocument(db, articleId);
  const owners = await loadClientOwners(db, articleId);
  const charsByAuthor = new Map<string, number>();
  if (stored.state) {
    const current = diffVersions(stored.state, null, {
      authorOf: (client) => owners.get(client) ?? null,
      deleterOf: () => null,
    });
    for (const a of current.authors) if (a.author !== null && a.inserted > 0) charsByAuthor.set(a.author, a.inserted);
  }
  return { lastUpdateId: stored.lastUpdateId, owners, charsByAuthor };
}

/** Computations under way, so calls arriving together (many tabs) share one. */
const inFlight = new Map<string, Promise<CachedAuthorship>>();

/** Authorship at the story's newest log row: computed once per change, not once per call. */
async function currentAuthorship(db: Db, articleId: string): Promise<CachedAuthorship> {
  const entries = cache();
  const last = await lastLogRowId(db, articleId);
  const hit = entries.get(articleId);
  if (hit && hit.lastUpdateId >= last) {
    entries.delete(articleId); // re-inserted below: most recently used last
    entries.set(articleId, hit);
    return hit;
  }
  const key = `${articleId}@${last}`;
  let computing = inFlight.get(key);
  if (!computing) {
    computing = computeAuthorship(db, articleId).finally(() => inFlight.delete(key));
    inFlight.set(key, computing);
  }
  const fresh = await computing;
  if ((entries.get(articleId)?.lastUpdateId ?? -1) < fresh.lastUpdateId) {
    entries.delete(articleId);
    entries.set(articleId, fresh);
    while (entries.size > cacheLimit()) entries.delete(entries.keys().next().value as string);
  }
  return fresh;
}

/**
 * Who wrote the story as it stands: the owner of every Yjs client id (for colouring text in
 * the editor) and how many of the current characters each person wrote. Reads the newest
 * stored state and the log tail after it, and only when the log has grown since last asked.
 */
export async function authorship(db: Db, articleId: string) {
  const { owners, charsByAuthor } = await currentAuthorship(db, articleId);
  const people = await peopleById(db, owners.values());
  const contributions = [...charsByAuthor]
    .filter(([author]) => people.has(author))
    .map(([author, chars]) => ({ ...(people.get(author) as Person), chars }));
  return {
    clients: Object.fromEntries([...owners].map(([client, user]) => [String(client), user])),
    people: Object.fromEntries(people),
    contributions,
  };
}
