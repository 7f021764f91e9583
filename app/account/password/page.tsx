import { redirect } from "next/navigation";
import { signedInUser } from "@/server/auth/currentUser";
import { ChangePasswordForm } from "../ChangePasswordForm";
import "../../admin/admin.css";

export const dynamic = "force-dynamic";

/** Where a temporary password leads: the person chooses their own before anything else. */
export default async function ForcedPasswordChangePage() {
  const user = await signedInUser();
  if (!user) redirect("/login");
  if (!user.mustChangePassword) redirect("/account");
  return (
    <main className="login">
      <h1>设置新密码</h1>
      <p className="muted">
        {user.displayName}，你正在使用管理员给的临时密码。请先设置自己的新密码，再开始工作。
      </p>
      <ChangePasswordForm after="/" />
    </main>
  );
}
