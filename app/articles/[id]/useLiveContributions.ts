"use client";

import { useEffect, useState } from "react";
import { afterQuiet, followStory } from "./review/storyStream";

export interface Contribution {
  name: string;
  chars: number;
  username: string | null;
}

/**
 * 写作贡献 kept current while the page is open, without polling: read again from
 * `/api/articles/:id/contributions` (computed once per growth of the story's log on the server,
 * shared by every reader) `quietMs` after the shared text stops changing (anyone's edit), and
 * when the page becomes visible again. `usernameById` turns the answer's user ids into the
 * usernames the byline panel works with.
 */
export function useLiveContributions(
  articleId: string,
  initial: Contribution[],
  usernameById: Record<string, string>,
  quietMs: number,
): Contribution[] {
  const [contributions, setContributions] = useState(initial);
  useEffect(() => {
    let stopped = false;
    const read = async () => {
      if (document.visibilityState !== "visible") return;
      try {
        const response = await fetch(`/api/articles/${articleId}/contributions`);
        if (!response.ok || stopped) return;
        const data = (await response.json()) as { contributions: { id: string; name: string; chars: number }[] };
        setContributions(data.contributions.map((c) => ({ name: c.name, chars: c.chars, username: usernameById[c.id] ?? null })));
      } catch {
        // Offline or restarting: the last figures stay until the text changes again.
      }
    };
    const later = afterQuiet(() => void read(), quietMs);
    // Only the page's own `text` signal: no server stream is opened for this.
    const unfollow = followStory(articleId, ["text"], later, false);
    const onVisible = () => void read();
    document.addEventListener("visibilitychange", onVisible);
    return () => {
      stopped = true;
      later.cancel();
      unfollow();
      document.removeEventListener("visibilitychange", onVisible);
    };
  }, [articleId, usernameById, quietMs]);
  return contributions;
}
