"use client";

import { useCallback, useRef, useState } from "react";
import { errorMessage } from "./useCommentThreads";

/**
 * A review panel's JSON view of the story at `url`, read again by `load` whenever the panel
 * hears it may have changed. Reads overlap (the text at rest, the stream, focus): only the newest
 * one started may show, so an older answer arriving late never replaces a newer one. `error` is
 * the newest read's refusal; the panel sets it too after its own requests.
 */
export function useNewestRead<T extends object>(url: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const latest = useRef(0);
  const load = useCallback(async () => {
    const mine = ++latest.current;
    const response = await fetch(url);
    const answer = response.ok ? ((await response.json()) as T) : await errorMessage(response);
    if (mine !== latest.current) return;
    if (typeof answer === "string") return setError(answer);
    setError(null);
    setData(answer);
  }, [url]);
  return { data, error, setError, load };
}
