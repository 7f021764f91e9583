import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { bylineCandidates } from "@/newsroom/byline";
import { can } from "@/newsroom/policy";
import { actorOf } from "@/server/auth/actorOf";
import { currentUser } from "@/server/auth/currentUser";
import { listEnabledUsers } from "@/server/auth/enabledUsers";
import { mediaSettings } from "@/server/env";
import { AppHeader } from "@/app/AppHeader";
import { BackCrumb } from "@/app/BackCrumb";
import { ImportReview } from "./ImportReview";

export const dynamic = "force-dynamic";

/** `/articles/import`: bring a finished plain-text story in as a draft, after a review. */
export default async function ImportPage() {
  const user = await currentUser();
  const actor = user ? actorOf(user) : null;
  if (!user || !actor) redirect(`/login?next=${encodeURIComponent("/articles/import")}`);
  if (!can(actor, "create")) redirect("/");
  const reporters = bylineCandidates(await listEnabledUsers(getDb()));
  return (
    <>
      <AppHeader user={user} />
      <main className="import-page">
        <BackCrumb href="/" label="稿件列表" />
        <h1>导入稿件</h1>
        <p className="muted">
          粘贴或选择一篇写好的纯文本稿件：第一行是标题，第二行是署名（如“红网时刻新闻记者 姚宇超 通讯员 徐卫香 周汨 长沙报道”）。
          导入前请核对标题、署名、小标题和图注；页脚（来源、作者、编辑）由系统生成，会被略去。
        </p>
        <ImportReview reporters={reporters} maxCharacters={mediaSettings().IMPORT_MAX_CHARACTERS} />
      </main>
    </>
  );
}
