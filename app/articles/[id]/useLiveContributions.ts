"use client";

import { useEffect, useState } from "react";

export interface Contribution {
  name: string;
  chars: number;
  username: string | null;
}

/**
 * 写作贡献 kept current while the page is open: read again from `/api/articles/:id/authors`
 * (computed once per growth of the story's log on the server, shared by every reader) every
 * `refreshMs` while the page is visible and when it becomes visible again. `usernameById` turns the
 * answer's user ids into the usernames the byline panel works with.
 */
export function useLiveContributions(
  articleId: string,
  initial: Contribution[],
  usernameById: Record<string, string>,
  refreshMs: number,
): Contribution[] {
  const [contributions, setContributions] = useState(initial);
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch(`/api/articles/${articleId}/authors`);
        if (!response.ok || stopped) return;
        const data = (await response.json()) as { contributions: { id: string; name: string; chars: number }[] };
        setContributions(data.contributions.map((c) => ({ name: c.name, chars: c.chars, username: usernameById[c.id] ?? null })));
      } catch {
        // Offline or restarting: the last figures stay until the next read.
      }
    };
    const timer = setInterval(() => void read(), refreshMs);
    const onVisible = () => void read();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      clearInterval(timer);
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [articleId, usernameById, refreshMs]);
  return contributions;
}
