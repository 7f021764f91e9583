"use client";

import { useActionState } from "react";
import { ErrorAlert } from "@/app/ErrorAlert";
import type { FormState } from "../actions";
import { signInAction } from "./signInAction";

export function LoginForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<FormState, FormData>(signInAction, { error: null });
  return (
    <form action={action} className="login-form">
      <input type="hidden" name="next" value={next} />
      <label>
        用户名
        <input name="username" autoComplete="username" required autoFocus defaultValue={state.username} />
      </label>
      <label>
        密码
        <input name="password" type="password" autoComplete="current-password" required />
      </label>
      <label>
        动态验证码（启用了两步验证时填写）
        <input name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={8} />
      </label>
      <ErrorAlert message={state.error} />
      <button type="submit" disabled={pending}>
        {pending ? "登录中…" : "登录"}
      </button>
    </form>
  );
}
