import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sameOriginPath } from "@/newsroom/sameOriginPath";
import { passwordSignInEnabled } from "@/server/auth/accountSettings";
import { currentUser, signedInUser } from "@/server/auth/currentUser";
import { oidcSettings } from "@/server/auth/oidcAccounts";
import { requestOrigin } from "@/server/http/requestOrigin";
import { ErrorAlert } from "@/app/ErrorAlert";
import { LoginForm } from "./LoginForm";
import { oidcSignInAction } from "./oidcSignInAction";

export const dynamic = "force-dynamic";

export const metadata = { title: "登录 · 红网编辑台" };

/** What Auth.js's error codes (`?error=`) mean to the person at the login page. */
function signInErrorZh(code: string): string {
  return code === "AccessDenied"
    ? "单点登录成功，但没有对应的编辑部账号（或账号已停用），请联系系统管理员"
    : "登录没有完成，请重试";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string; error?: string }> }) {
  const { next, error } = await searchParams;
  // Only a path on this site, whatever the link said (the action checks it again).
  const target = sameOriginPath(next, requestOrigin(await headers()));
  if ((await signedInUser())?.mustChangePassword) redirect("/account/password");
  if (await currentUser()) redirect(target);
  const sso = oidcSettings();
  return (
    <main className="login">
      <h1>红网编辑台</h1>
      <p className="muted">请使用编辑部账号登录</p>
      <ErrorAlert message={error && signInErrorZh(error)} />
      {passwordSignInEnabled() && <LoginForm next={target} />}
      {sso && (
        <form action={oidcSignInAction} className="login-form sso">
          <input type="hidden" name="next" value={target} />
          <button type="submit">使用{sso.name}登录</button>
        </form>
      )}
    </main>
  );
}
