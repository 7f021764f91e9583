"use client";

import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/app/ErrorAlert";
import { callApi } from "../admin/adminApi";
import { NewPasswordFields } from "./NewPasswordFields";

/**
 * 修改密码: the current password, the new one twice. After a forced change (temporary password)
 * it goes on to `after`; otherwise it says so and stays.
 */
export function ChangePasswordForm({ after }: { after?: string }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const next = String(form.get("next") ?? "");
    if (next !== String(form.get("confirm") ?? "")) return setError("两次输入的新密码不一致");
    setPending(true);
    const result = await callApi("POST", "/api/account/password", { current: String(form.get("current") ?? ""), next });
    setPending(false);
    if (!result.ok) return setError(result.message);
    setError(null);
    formElement.reset();
    if (after) window.location.assign(after);
    else setDone(true);
  }

  return (
    <form className="account-form" onSubmit={submit} data-testid="change-password-form">
      <label>
        当前密码
        <input name="current" type="password" autoComplete="current-password" required />
      </label>
      <NewPasswordFields />
      <button type="submit" disabled={pending}>
        修改密码
      </button>
      <ErrorAlert message={error} />
      {done && (
        <p role="status" className="notice">
          密码已修改，其他设备上的登录已退出。
        </p>
      )}
    </form>
  );
}
