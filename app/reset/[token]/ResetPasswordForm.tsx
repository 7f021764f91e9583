"use client";

import Link from "next/link";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/app/ErrorAlert";
import { callApi } from "../../admin/adminApi";
import { NewPasswordFields } from "@/app/account/NewPasswordFields";

/** The form behind a reset link: a new password, twice; the link is spent when it is taken. */
export function ResetPasswordForm({ token }: { token: string }) {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = String(form.get("next") ?? "");
    if (next !== String(form.get("confirm") ?? "")) return setError("两次输入的新密码不一致");
    const result = await callApi("POST", "/api/account/reset", { token, next });
    if (!result.ok) return setError(result.message);
    setDone(true);
  }
  if (done) {
    return (
      <p role="status" className="notice">
        新密码已设置。<Link href="/login">去登录</Link>
      </p>
    );
  }
  return (
    <form className="login-form" onSubmit={submit}>
      <NewPasswordFields />
      <button type="submit">设置新密码</button>
      <ErrorAlert message={error} />
    </form>
  );
}
