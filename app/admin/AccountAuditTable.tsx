import type { AccountAuditLine } from "@/server/accounts/accountAuditLog";
import { RecordTable } from "./RecordTable";

const ACTION_NAMES_ZH: Record<string, string> = {
  created: "创建账号",
  edited: "修改资料",
  disabled: "停用",
  enabled: "启用",
  reset_link: "生成重置链接",
  reset_temporary: "设置临时密码",
  reset_link_used: "通过链接重设密码",
  password_changed: "修改密码",
  signed_out_everywhere: "退出所有设备",
  totp_enabled: "启用两步验证",
  totp_disabled: "关闭两步验证",
  review_levels_changed: "修改审级",
};

/** `{role: {from, to}}` as "role: reporter → editor". */
function describe(detail: Record<string, unknown>): string {
  return Object.entries(detail)
    .map(([field, value]) => {
      const change = value as { from?: unknown; to?: unknown } | null;
      return change && typeof change === "object" && "to" in change
        ? `${field}: ${String(change.from)} → ${String(change.to)}`
        : `${field}: ${String(value)}`;
    })
    .join(";");
}

/** The account audit log: who changed which account, when, and what. */
export function AccountAuditTable({ lines }: { lines: AccountAuditLine[] }) {
  if (lines.length === 0) return <p className="muted">还没有账号操作记录。</p>;
  return (
    <RecordTable testId="account-audit" headings={["时间", "操作人", "账号", "操作", "内容"]}>
      {lines.map((line) => (
        <tr key={line.id}>
          <td>{new Date(line.at).toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}</td>
          <td>{line.actor ?? "命令行"}</td>
          <td>{line.target}</td>
          <td>{ACTION_NAMES_ZH[line.action] ?? line.action}</td>
          <td>{describe(line.detail)}</td>
        </tr>
      ))}
    </RecordTable>
  );
}
