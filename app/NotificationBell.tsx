"use client";

import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import { formatShortTime } from "@/newsroom/timeFormat";

interface NotificationItem {
  id: number;
  articleId: string | null;
  message: string;
  createdAt: string;
  read: boolean;
}

/**
 * The bell in the header: the unread count, live from `GET /api/notifications/stream` (the
 * browser's EventSource reconnects by itself), and on click the newest notifications, each
 * a link to its story, with "全部标为已读".
 */
export function NotificationBell() {
  const [unread, setUnread] = useState(0);
  const [open, setOpen] = useState(false);
  const [items, setItems] = useState<NotificationItem[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const source = new EventSource("/api/notifications/stream");
    source.addEventListener("unread", (event) => {
      setUnread((JSON.parse((event as MessageEvent<string>).data) as { unread: number }).unread);
    });
    return () => source.close();
  }, []);

  const load = useCallback(async () => {
    const response = await fetch("/api/notifications", { cache: "no-store" });
    if (!response.ok) {
      setProblem(response.status === 401 ? "登录已失效" : "通知加载失败");
      return;
    }
    const body = (await response.json()) as { notifications: NotificationItem[]; unread: number };
    setItems(body.notifications);
    setUnread(body.unread);
    setProblem(null);
  }, []);

  // A new count while the list is open: show the new ones too.
  useEffect(() => {
    if (open) void load();
  }, [open, unread, load]);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent) => {
      if (panel.current && !panel.current.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener("mousedown", close);
    return () => document.removeEventListener("mousedown", close);
  }, [open]);

  const markAll = async () => {
    const response = await fetch("/api/notifications/read", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    if (response.ok) await load();
    else setProblem("操作失败，请重试");
  };

  return (
    <div className="notification-bell" ref={panel}>
      <button
        type="button"
        className="bell-button"
        aria-label={unread > 0 ? `通知（${unread} 条未读）` : "通知"}
        aria-expanded={open}
        onClick={() => setOpen(!open)}
        data-testid="notification-bell"
      >
        <span aria-hidden="true">🔔</span>
        {unread > 0 && (
          <span className="bell-count" data-testid="notification-count">
            {unread > 99 ? "99+" : unread}
          </span>
        )}
      </button>
      {open && (
        <div className="bell-panel" role="dialog" aria-label="通知" data-testid="notification-panel">
          <div className="bell-panel-head">
            <strong>通知</strong>
            <button type="button" className="link-button" onClick={() => void markAll()} disabled={unread === 0}>
              全部标为已读
            </button>
          </div>
          {problem && <p className="error">{problem}</p>}
          {items === null ? (
            <p className="muted">加载中…</p>
          ) : items.length === 0 ? (
            <p className="muted">暂无通知</p>
          ) : (
            <ul>
              {items.map((item) => (
                <li key={item.id} className={item.read ? "read" : "unread"}>
                  {item.articleId ? <Link href={`/articles/${item.articleId}`}>{item.message}</Link> : item.message}
                  <time className="muted">{formatShortTime(item.createdAt)}</time>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </div>
  );
}
