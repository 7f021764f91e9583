import { getDb } from "@/db/client";
import { resetLinkAccount } from "@/server/commands/resetLinkRedeemer";
import { ResetPasswordForm } from "./ResetPasswordForm";

export const dynamic = "force-dynamic";

/** A one-time password reset link (made by an admin in the console). */
export default async function ResetPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const account = token.length <= 200 ? await resetLinkAccount(getDb(), token) : null;
  return (
    <main className="login">
      <h1>重设密码</h1>
      {account ? (
        <>
          <p className="muted">为账号 {account.username} 设置新密码。</p>
          <ResetPasswordForm token={token} />
        </>
      ) : (
        <p role="alert" className="error">
          这个重置链接无效或已过期，请联系系统管理员重新生成。
        </p>
      )}
    </main>
  );
}
