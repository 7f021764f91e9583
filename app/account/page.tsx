import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { recentSignIns } from "@/server/auth/accountSessions";
import { recentSignInsShown } from "@/server/auth/accountSettings";
import { currentUser } from "@/server/auth/currentUser";
import { newTotpSecret, totpUri } from "@/server/auth/totp";
import { AppHeader } from "../AppHeader";
import { RecordTable } from "../admin/RecordTable";
import { ChangePasswordForm } from "./ChangePasswordForm";
import { SignOutEverywhere } from "./SignOutEverywhere";
import { TotpPanel } from "./TotpPanel";
import "../admin/admin.css";

export const dynamic = "force-dynamic";

/** 我的账号: change the password, sign out everywhere, see recent sign-ins. */
export default async function AccountPage({ searchParams }: { searchParams: Promise<{ totp?: string }> }) {
  const user = await currentUser();
  if (!user) redirect("/login?next=%2Faccount");
  const { totp } = await searchParams;
  const secret = user.totpSecret === null ? newTotpSecret() : null;
  const signIns = await recentSignIns(getDb(), user.id, recentSignInsShown());
  return (
    <>
      <AppHeader user={user} />
      <main className="account-page">
        <h1>我的账号</h1>
        <p className="muted">
          {user.displayName}({user.username})
        </p>
        <section aria-label="两步验证">
          <h2>两步验证</h2>
          {totp === "required" && user.totpSecret === null && (
            <p role="alert" className="notice">
              本编辑部要求系统管理员启用两步验证后才能使用系统管理。
            </p>
          )}
          <TotpPanel enabled={user.totpSecret !== null} offer={secret ? { secret, uri: totpUri(user.username, secret) } : null} />
        </section>
        <section aria-label="修改密码">
          <h2>修改密码</h2>
          <ChangePasswordForm />
        </section>
        <section aria-label="登录设备">
          <h2>最近登录</h2>
          <RecordTable testId="recent-sign-ins" headings={["时间", "地址", "设备", "方式"]}>
            {signIns.map((signIn) => (
              <tr key={signIn.sessionId}>
                <td>{signIn.signedInAt.toLocaleString("zh-CN", { timeZone: "Asia/Shanghai" })}</td>
                <td>{signIn.address}</td>
                <td>{signIn.device}</td>
                <td>{signIn.method === "oidc" ? "单点登录" : "密码"}</td>
              </tr>
            ))}
          </RecordTable>
          <SignOutEverywhere />
        </section>
      </main>
    </>
  );
}
