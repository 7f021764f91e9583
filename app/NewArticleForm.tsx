"use client";

import { useActionState } from "react";
import { ErrorAlert } from "@/app/ErrorAlert";
import { createArticleAction, type FormState } from "./actions";

export function NewArticleForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(createArticleAction, { error: null });
  return (
    <form action={action} className="new-article">
      <input name="title" placeholder="新稿件标题（可稍后填写）" aria-label="新稿件标题" defaultValue={state.title} />
      <button type="submit" disabled={pending}>
        {pending ? "创建中…" : "新建稿件"}
      </button>
      <ErrorAlert message={state.error} />
    </form>
  );
}
