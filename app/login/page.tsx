import { redirect } from "next/navigation";
import { currentUser } from "../../server/auth/currentUser";
import { LoginForm } from "./LoginForm";

export const dynamic = "force-dynamic";

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string }> }) {
  if (await currentUser()) redirect("/");
  const { next } = await searchParams;
  return (
    <main className="login">
      <h1>红网编辑台</h1>
      <p className="muted">请使用编辑部账号登录</p>
      <LoginForm next={typeof next === "string" ? next : "/"} />
    </main>
  );
}
