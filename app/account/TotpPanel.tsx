"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { ErrorAlert } from "@/app/ErrorAlert";
import { callApi } from "../admin/adminApi";

interface Props {
  enabled: boolean;
  /** A fresh secret and its otpauth:// URI, offered while the factor is off. */
  offer: { secret: string; uri: string } | null;
}

/** 两步验证: add the secret to an authenticator app and confirm with its code; or turn it off. */
export function TotpPanel({ enabled, offer }: Props) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const code = String(new FormData(event.currentTarget).get("code") ?? "");
    const result = enabled
      ? await callApi("DELETE", "/api/account/totp", { code })
      : await callApi("POST", "/api/account/totp", { secret: offer?.secret ?? "", code });
    if (!result.ok) return setError(result.message);
    setError(null);
    router.refresh();
  }
  return (
    <form className="account-form" onSubmit={submit} data-testid="totp-panel">
      {enabled ? (
        <p>两步验证已启用：登录时需要输入手机验证器上的动态验证码。</p>
      ) : (
        <>
          <p>在手机验证器（如 Google Authenticator、Microsoft Authenticator）中添加以下密钥，再输入它显示的 6 位验证码：</p>
          <code data-testid="totp-secret">{offer?.secret}</code>
          <p className="muted">
            或使用链接：<code>{offer?.uri}</code>
          </p>
        </>
      )}
      <label>
        动态验证码
        <input name="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={8} />
      </label>
      <button type="submit">{enabled ? "关闭两步验证" : "启用两步验证"}</button>
      <ErrorAlert message={error} />
    </form>
  );
}
