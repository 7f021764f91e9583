"use client";

import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import type { Role } from "@/newsroom/roles";
import { ErrorAlert } from "@/app/ErrorAlert";
import { LabelOptions, RoleOptions } from "./accountOptions";
import { callApi } from "./adminApi";

interface Props {
  labels: Record<Role, readonly string[]>;
  roleNames: Record<Role, string>;
}

/** 新建账号: without a password the account gets a temporary one, shown once here. */
export function NewAccountForm({ labels, roleNames }: Props) {
  const router = useRouter();
  const [role, setRole] = useState<Role>("reporter");
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ username: string; temporaryPassword?: string } | null>(null);
  const [pending, setPending] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const password = String(form.get("password") ?? "");
    setPending(true);
    const result = await callApi<{ username: string; temporaryPassword?: string }>("POST", "/api/admin/users", {
      username: String(form.get("username") ?? "").trim(),
      name: String(form.get("name") ?? "").trim(),
      role,
      label: String(form.get("label") ?? ""),
      ...(password ? { password } : {}),
    });
    setPending(false);
    if (!result.ok) {
      setError(result.message);
      setCreated(null);
      return;
    }
    setError(null);
    setCreated(result.body);
    (event.target as HTMLFormElement).reset();
    setRole("reporter");
    router.refresh();
  }

  return (
    <form className="admin-form" onSubmit={submit} data-testid="new-account-form">
      <label>
        用户名
        <input name="username" required autoComplete="off" />
      </label>
      <label>
        姓名
        <input name="name" required autoComplete="off" />
      </label>
      <label>
        角色
        <select name="role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          <RoleOptions roleNames={roleNames} />
        </select>
      </label>
      <label>
        署名标签
        <select name="label" key={role}>
          <LabelOptions labels={labels[role]} />
        </select>
      </label>
      <label>
        初始密码（留空则生成临时密码）
        <input name="password" type="password" autoComplete="new-password" />
      </label>
      <button type="submit" disabled={pending}>
        创建账号
      </button>
      <ErrorAlert message={error} />
      {created && (
        <p className="notice" data-testid="account-created">
          已创建 {created.username}
          {created.temporaryPassword && (
            <>
              ，临时密码（只显示这一次，首次登录后须修改）：<code data-testid="temporary-password">{created.temporaryPassword}</code>
            </>
          )}
        </p>
      )}
    </form>
  );
}
