"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { formatShortTime, fromBeijingInputValue, toBeijingInputValue } from "@/newsroom/timeFormat";
import { ErrorAlert } from "@/app/ErrorAlert";

/**
 * 定时发布: the scheduled time of an approved story ("定时发布：11月28日 08:00", seen by everyone),
 * and for the desk a Beijing-time field to set it and a button to call it off. Talks to the
 * JSON API (`POST …/transitions {action: "publish", at}`, `DELETE …/schedule`).
 */
export function SchedulePublish({
  articleId,
  publishAt,
  canSchedule,
}: {
  articleId: string;
  publishAt: string | null;
  canSchedule: boolean;
}) {
  const router = useRouter();
  const [value, setValue] = useState(() => toBeijingInputValue(publishAt ?? new Date(Date.now() + 3_600_000).toISOString()));
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  const send = async (method: "POST" | "DELETE") => {
    const at = fromBeijingInputValue(value);
    if (method === "POST" && !at) {
      setError("请选择发布时间");
      return;
    }
    setPending(true);
    setError(null);
    try {
      const response = await fetch(method === "POST" ? `/api/articles/${articleId}/transitions` : `/api/articles/${articleId}/schedule`, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(method === "POST" ? { action: "publish", at } : {}),
      });
      if (!response.ok) {
        const body = (await response.json().catch(() => null)) as { error?: { message?: string } } | null;
        setError(body?.error?.message ?? "操作失败，请重试");
        return;
      }
      router.refresh();
    } finally {
      setPending(false);
    }
  };

  if (!publishAt && !canSchedule) return null;
  return (
    <div className="schedule-publish" data-testid="schedule-publish">
      {publishAt && (
        <p className="scheduled-at" data-testid="scheduled-at">
          定时发布：{formatShortTime(publishAt)}
        </p>
      )}
      {canSchedule && (
        <form
          className="schedule-form"
          onSubmit={(event) => {
            event.preventDefault();
            void send("POST");
          }}
        >
          <label>
            {publishAt ? "改为" : "定时发布"}（北京时间）
            <input type="datetime-local" value={value} onChange={(e) => setValue(e.target.value)} aria-label="定时发布时间" required />
          </label>
          <button type="submit" className="secondary" disabled={pending}>
            {publishAt ? "更改时间" : "设为定时发布"}
          </button>
          {publishAt && (
            <button type="button" className="secondary" disabled={pending} onClick={() => void send("DELETE")}>
              取消定时发布
            </button>
          )}
        </form>
      )}
      <ErrorAlert message={error} />
    </div>
  );
}
