"use client";

import { memo, useEffect, useState } from "react";
import type * as Y from "yjs";
import { LiveStoryStats } from "@/newsroom/liveStoryStats";
import { formatStoryStats, sameStats, storyStats, type StoryStats } from "@/newsroom/storyStats";

/** How often at most the counts are shown again while people type. */
const RECOUNT_MS = 250;

/**
 * "字数 1,234 · 段落 12 · 图片 6", kept up to date with everyone's edits. Only the blocks that
 * changed are counted again (LiveStoryStats), and the line re-renders only when a count moved;
 * memoized, so the status line around it changing (twice per keystroke) does not render it.
 */
export const StoryStatsLine = memo(function StoryStatsLine({ doc }: { doc: Y.Doc }) {
  const [stats, setStats] = useState<StoryStats>(() => storyStats(doc.getXmlFragment("body")));
  useEffect(() => {
    const live = new LiveStoryStats(doc.getXmlFragment("body"));
    let timer: ReturnType<typeof setTimeout> | null = null;
    const recount = () => {
      timer = null;
      const next = live.current();
      setStats((shown) => (sameStats(shown, next) ? shown : next));
    };
    const onUpdate = () => {
      timer ??= setTimeout(recount, RECOUNT_MS);
    };
    recount();
    doc.on("update", onUpdate);
    return () => {
      doc.off("update", onUpdate);
      if (timer !== null) clearTimeout(timer);
      live.close();
    };
  }, [doc]);
  return (
    <span className="story-stats" data-testid="story-stats" title={`汉字 ${stats.hanzi}，字符（不含空白）${stats.characters}`}>
      {formatStoryStats(stats)}
    </span>
  );
});
