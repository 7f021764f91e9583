import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { sameOriginPath } from "@/newsroom/sameOriginPath";
import { currentUser } from "@/server/auth/currentUser";
import { requestOrigin } from "@/server/http/requestOrigin";
import { LoginForm } from "./LoginForm";

export const dynamic = "force-dynamic";

export const metadata = { title: "登录 · 红网编辑台" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  const { next } = await searchParams;
  // Only a path on this site, whatever the link said (the action checks it again).
  const target = sameOriginPath(next, requestOrigin(await headers()));
  if (await currentUser()) redirect(target);
  return (
    <main className="login">
      <h1>红网编辑台</h1>
      <p className="muted">请使用编辑部账号登录</p>
      <LoginForm next={target} />
    </main>
  );
}
