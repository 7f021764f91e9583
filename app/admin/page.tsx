import { forbidden, redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { ACCOUNT_LABELS, ROLE_NAMES_ZH } from "@/newsroom/roles";
import { accountAuditLog } from "@/server/accounts/accountAuditLog";
import { listAccounts } from "@/server/accounts/accountList";
import { accountAuditShown } from "@/server/auth/accountSettings";
import { actorOf } from "@/server/auth/actorOf";
import { currentUser } from "@/server/auth/currentUser";
import { adminNeedsTotp } from "@/server/auth/totp";
import { AppHeader } from "../AppHeader";
import { AccountAuditTable } from "./AccountAuditTable";
import { AccountTable } from "./AccountTable";
import { NewAccountForm } from "./NewAccountForm";
import { ReviewLevelsForm } from "./ReviewLevelsForm";
import { configuredLevels } from "@/server/review/reviewLevelSetting";
import "./admin.css";

export const dynamic = "force-dynamic";

/** The admin console (系统管理): accounts and their audit log. Admins only (403 otherwise). */
export default async function AdminPage() {
  const user = await currentUser();
  if (!user) redirect("/login?next=%2Fadmin");
  if (!can(actorOf(user), "manageAccounts")) forbidden();
  if (adminNeedsTotp(user)) redirect("/account?totp=required");
  const db = getDb();
  const [accounts, audit, levels] = await Promise.all([listAccounts(db), accountAuditLog(db, accountAuditShown()), configuredLevels(db)]);
  const editors = accounts.filter((a) => !a.disabled && (a.role === "editor" || a.role === "admin")).map(({ username, name }) => ({ username, name }));
  return (
    <>
      <AppHeader user={user} />
      <main className="admin-page">
        <h1>系统管理</h1>
        <section aria-label="新建账号">
          <h2>新建账号</h2>
          <NewAccountForm labels={ACCOUNT_LABELS} roleNames={ROLE_NAMES_ZH} />
        </section>
        <section aria-label="账号">
          <h2>账号（{accounts.length}）</h2>
          <AccountTable accounts={accounts} selfId={user.id} labels={ACCOUNT_LABELS} roleNames={ROLE_NAMES_ZH} />
        </section>
        <section aria-label="审级设置">
          <h2>审级设置（三审）</h2>
          <ReviewLevelsForm levels={levels} editors={editors} />
        </section>
        <section aria-label="账号操作记录">
          <h2>账号操作记录</h2>
          <AccountAuditTable lines={audit} />
        </section>
      </main>
    </>
  );
}
