import Link from "next/link";
import type { User } from "@/db/schema";
import { can } from "@/newsroom/policy";
import { actorOf } from "@/server/auth/actorOf";
import { NotificationBell } from "./NotificationBell";
import { SignOutButton } from "./SignOutButton";

/** The top bar of signed-in pages: home link, the notification bell, who is signed in, sign out. */
export function AppHeader({ user }: { user: User }) {
  return (
    <header className="app-header">
      <Link href="/" className="brand">
        红网编辑台
      </Link>
      <div className="who">
        <NotificationBell />
        <span data-testid="signed-in-user">
          {user.displayName}（{user.bylineLabel}）
        </span>
        <Link href="/account">我的账号</Link>
        {can(actorOf(user), "manageAccounts") && <Link href="/admin">系统管理</Link>}
        <SignOutButton />
      </div>
    </header>
  );
}
