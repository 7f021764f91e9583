"use client";

import { useEffect, useSyncExternalStore } from "react";

/**
 * Whether a server action of this page (a workflow button) is still on its way. Its answer
 * already carries the page re-rendered (the action revalidates it), so the editor must not ask
 * for the page again when the socket reports the state change the action made: that second
 * render was wasted, and it raced the action's own.
 */
let pending = 0;
const listeners = new Set<() => void>();

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

function changed(by: number): void {
  pending += by;
  for (const listener of listeners) listener();
}

/** Marks a page action as running while `isPending` is true. */
export function useReportPendingPageAction(isPending: boolean): void {
  useEffect(() => {
    if (!isPending) return;
    changed(1);
    return () => changed(-1);
  }, [isPending]);
}

/** True while any action of this page is running. */
export function usePendingPageAction(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => pending > 0,
    () => false,
  );
}
