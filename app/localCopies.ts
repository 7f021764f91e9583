/**
 * The story copies kept in this browser (IndexedDB, one database per account and story) so
 * edits made offline survive a closed tab (issue 13). Keyed by user id: another person signing
 * in on the same browser never opens them, and signing out deletes them all.
 */
export const LOCAL_COPY_PREFIX = "newsroom-story:";

/** The IndexedDB database holding `userId`'s copy of story `articleId`. */
export function localCopyName(userId: string, articleId: string): string {
  return `${LOCAL_COPY_PREFIX}${userId}:${articleId}`;
}

/**
 * Deletes every story copy in this browser, whoever's (sign-out). A tab still holding one open
 * closes it when asked (`localCopy.ts`), so the deletion goes through. Resolves once each is
 * gone or refused; never rejects (signing out must not wait on a broken store).
 */
export async function clearLocalCopies(): Promise<void> {
  if (typeof indexedDB === "undefined" || typeof indexedDB.databases !== "function") return;
  const databases = await indexedDB.databases().catch(() => []);
  await Promise.all(
    databases
      .map((d) => d.name)
      .filter((name): name is string => !!name?.startsWith(LOCAL_COPY_PREFIX))
      .map(
        (name) =>
          new Promise<void>((resolve) => {
            const request = indexedDB.deleteDatabase(name);
            request.onsuccess = request.onerror = request.onblocked = () => resolve();
          }),
      ),
  );
}
