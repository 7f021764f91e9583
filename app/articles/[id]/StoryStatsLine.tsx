"use client";

import { useEffect, useState } from "react";
import type * as Y from "yjs";
import { formatStoryStats, storyStats, type StoryStats } from "@/newsroom/storyStats";

/** How often at most the counts are recomputed while people type (a long story is ~10k characters). */
const RECOUNT_MS = 250;

/** "字数 1,234 · 段落 12 · 图片 6", kept up to date with everyone's edits. */
export function StoryStatsLine({ doc }: { doc: Y.Doc }) {
  const [stats, setStats] = useState<StoryStats>(() => storyStats(doc.getXmlFragment("body")));
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | null = null;
    const recount = () => {
      timer = null;
      setStats(storyStats(doc.getXmlFragment("body")));
    };
    const onUpdate = () => {
      timer ??= setTimeout(recount, RECOUNT_MS);
    };
    recount();
    doc.on("update", onUpdate);
    return () => {
      doc.off("update", onUpdate);
      if (timer !== null) clearTimeout(timer);
    };
  }, [doc]);
  return (
    <span className="story-stats" data-testid="story-stats" title={`汉字 ${stats.hanzi}，字符（不含空白）${stats.characters}`}>
      {formatStoryStats(stats)}
    </span>
  );
}
