"use client";

import { useCallback, useEffect, useState } from "react";
import { followStory } from "./storyStream";
import type { ThreadItem } from "./threadTypes";

/** The JSON error message of a refused request, or a generic one. */
export async function errorMessage(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
  return body?.error?.message ?? `请求失败（${response.status}）`;
}

/** A JSON request from this page (same origin: the session cookie goes with it). */
export async function sendJson(method: string, url: string, body?: unknown): Promise<string | null> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return response.ok ? null : errorMessage(response);
}

/**
 * The story's comment threads, live: read once, then again whenever the story's event stream
 * (shared with the other review panels: storyStream.ts) says they changed (anyone's comment,
 * reply, resolve or delete). The browser's EventSource reconnects by itself after a drop and
 * the stream's first event makes the page read again.
 */
export function useCommentThreads(articleId: string, enabled: boolean) {
  const [threads, setThreads] = useState<ThreadItem[]>([]);
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(async () => {
    const response = await fetch(`/api/articles/${articleId}/comments`);
    if (!response.ok) {
      setError(await errorMessage(response));
      return;
    }
    setError(null);
    setThreads(((await response.json()) as { threads: ThreadItem[] }).threads);
  }, [articleId]);

  useEffect(() => {
    if (!enabled) return;
    // The stream may have said "ready" before this panel joined it: read once now as well.
    void reload();
    return followStory(articleId, ["ready", "changed"], () => void reload());
  }, [articleId, enabled, reload]);

  return { threads, error, reload };
}
