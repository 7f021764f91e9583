"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import type { Role } from "@/newsroom/roles";
import type { AccountView } from "@/server/accounts/accountList";
import { LabelOptions, RoleOptions } from "./accountOptions";
import { callApi } from "./adminApi";
import { RecordTable } from "./RecordTable";

interface Props {
  accounts: AccountView[];
  selfId: string;
  labels: Record<Role, readonly string[]>;
  roleNames: Record<Role, string>;
}

/** The accounts: edit name, role and label inline; disable or enable; reset a password. */
export function AccountTable({ accounts, selfId, labels, roleNames }: Props) {
  return (
    <RecordTable testId="accounts" headings={["用户名", "姓名", "角色", "署名标签", "状态", "操作"]}>
      {accounts.map((account) => (
        <AccountRow key={account.id} account={account} self={account.id === selfId} labels={labels} roleNames={roleNames} />
      ))}
    </RecordTable>
  );
}

function AccountRow({ account, self, labels, roleNames }: { account: AccountView; self: boolean } & Omit<Props, "accounts" | "selfId">) {
  const router = useRouter();
  const [name, setName] = useState(account.name);
  const [role, setRole] = useState(account.role as Role);
  const [label, setLabel] = useState(account.label);
  const [message, setMessage] = useState<{ error: boolean; text: string; secret?: string } | null>(null);
  const allowedLabels = labels[role] ?? [];
  const dirty = name !== account.name || role !== account.role || label !== account.label;

  async function patch(change: Record<string, unknown>, done: string) {
    const result = await callApi("PATCH", `/api/admin/users/${account.id}`, change);
    setMessage(result.ok ? { error: false, text: done } : { error: true, text: result.message });
    if (result.ok) router.refresh();
  }

  async function reset(method: "link" | "temporary") {
    const result = await callApi<{ link?: string; temporaryPassword?: string; expiresAt?: string }>(
      "POST",
      `/api/admin/users/${account.id}/reset`,
      { method },
    );
    if (!result.ok) return setMessage({ error: true, text: result.message });
    const { link, temporaryPassword, expiresAt } = result.body;
    setMessage(
      link
        ? { error: false, text: `一次性重置链接（${new Date(expiresAt!).toLocaleString("zh-CN")} 前有效）：`, secret: link }
        : { error: false, text: "临时密码（下次登录后须修改）：", secret: temporaryPassword },
    );
    router.refresh();
  }

  return (
    <tr data-username={account.username} className={account.disabled ? "disabled" : undefined}>
      <td>
        {account.username}
        {self && <span className="muted">（我）</span>}
      </td>
      <td>
        <input aria-label="姓名" value={name} onChange={(e) => setName(e.target.value)} />
      </td>
      <td>
        <select
          aria-label="角色"
          value={role}
          onChange={(e) => {
            const next = e.target.value as Role;
            setRole(next);
            if (!labels[next].includes(label)) setLabel(labels[next][0]);
          }}
        >
          <RoleOptions roleNames={roleNames} />
        </select>
      </td>
      <td>
        <select aria-label="署名标签" value={label} onChange={(e) => setLabel(e.target.value)}>
          <LabelOptions labels={allowedLabels} />
        </select>
      </td>
      <td data-testid="account-state">
        {account.disabled ? "已停用" : account.mustChangePassword ? "待改密码" : "启用"}
      </td>
      <td className="actions">
        <button type="button" disabled={!dirty} onClick={() => patch({ name, role, label }, "已保存")}>
          保存
        </button>
        {account.disabled ? (
          <button type="button" onClick={() => patch({ disabled: false }, "已启用")}>
            启用
          </button>
        ) : (
          <button type="button" disabled={self} onClick={() => patch({ disabled: true }, "已停用，已登出其所有会话")}>
            停用
          </button>
        )}
        <button type="button" onClick={() => reset("link")}>
          重置链接
        </button>
        <button type="button" onClick={() => reset("temporary")}>
          临时密码
        </button>
        {message && (
          <p role={message.error ? "alert" : "status"} className={message.error ? "error" : "notice"}>
            {message.text}
            {message.secret && <code data-testid="reset-secret">{message.secret}</code>}
          </p>
        )}
      </td>
    </tr>
  );
}
