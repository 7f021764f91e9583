import "server-only";
/**
 * Commands that change one story's content or state (transitions, restores) run one after the
 * other in this process. A restore cannot hold the story's row lock while its edit is being
 * committed (the commit takes that lock itself), so without this queue an approval could
 * capture the text between the restore's check and its edit, and the edit would then land in
 * an approved story. Across processes the commit-time rights check does the same job.
 *
 * Kept on globalThis: route handlers and server actions may load separate module copies.
 */
const GLOBAL_KEY = Symbol.for("newsroom.storyCommandQueue");
type GlobalWithQueue = typeof globalThis & { [GLOBAL_KEY]?: Map<string, Promise<unknown>> };

function queues(): Map<string, Promise<unknown>> {
  const global = globalThis as GlobalWithQueue;
  return (global[GLOBAL_KEY] ??= new Map());
}

/** Runs `work` once every earlier story command of `articleId` in this process has settled. */
export async function inStoryCommandQueue<T>(articleId: string, work: () => Promise<T>): Promise<T> {
  const all = queues();
  const previous = all.get(articleId) ?? Promise.resolve();
  const run = previous.then(work, work);
  const settled = run.then(
    () => undefined,
    () => undefined,
  );
  all.set(articleId, settled);
  try {
    return await run;
  } finally {
    // The last command of a story removes its entry, so the map does not grow with stories.
    if (all.get(articleId) === settled) all.delete(articleId);
  }
}
