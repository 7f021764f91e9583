"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";

/**
 * Keeps the dashboard current without a reload: who is writing (正在编辑), new stories in 待审,
 * state changes. The page is re-rendered on the server every `intervalMs` while the tab is
 * visible, and at once when the tab comes back; a hidden tab costs the server nothing.
 */
export function DashboardLiveRefresh({ intervalMs }: { intervalMs: number }) {
  const router = useRouter();
  useEffect(() => {
    const refreshIfSeen = () => {
      if (document.visibilityState === "visible") router.refresh();
    };
    const timer = setInterval(refreshIfSeen, intervalMs);
    document.addEventListener("visibilitychange", refreshIfSeen);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", refreshIfSeen);
    };
  }, [router, intervalMs]);
  return null;
}
