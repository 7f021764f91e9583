"use client";

import { useActionState } from "react";
import { createArticleAction, type FormState } from "./actions";

export function NewArticleForm() {
  const [state, action, pending] = useActionState<FormState, FormData>(createArticleAction, { error: null });
  return (
    <form action={action} className="new-article">
      <input name="title" placeholder="新稿件标题（可稍后填写）" aria-label="新稿件标题" defaultValue={state.title} />
      <button type="submit" disabled={pending}>
        {pending ? "创建中…" : "新建稿件"}
      </button>
      {state.error && (
        <p role="alert" className="error">
          {state.error}
        </p>
      )}
    </form>
  );
}
