import { setting } from "@/server/env";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/db/client";
import { ARTICLE_STATE_NAMES_ZH } from "@/newsroom/articleStates";
import { bylineCandidates } from "@/newsroom/byline";
import { personOf } from "@/newsroom/person";
import { can } from "@/newsroom/policy";
import { availableActions } from "@/newsroom/workflow";
import { verifiedAuditLog } from "@/server/articles/auditLog";
import { authorship } from "@/server/history/authorship";
import { getArticleSummary } from "@/server/articles/listArticles";
import { currentUser } from "@/server/auth/currentUser";
import { ARTICLE_ID_PATTERN } from "@/server/articles/articleFacts";
import { listEnabledUsers } from "@/server/auth/enabledUsers";
import { articlePageAccess } from "@/server/http/articlePageAccess";
import { reviewLevelSetting } from "@/server/review/reviewLevelSetting";
import { AppHeader } from "@/app/AppHeader";
import { BackCrumb } from "@/app/BackCrumb";
import { readOnlyReason } from "@/newsroom/readOnlyReason";
import { suggestsByDefault } from "@/newsroom/suggestionPolicy";
import { AuditTimeline } from "./AuditTimeline";
import { ReadOnlyNotice } from "./ReadOnlyNotice";
import { SchedulePublish } from "./SchedulePublish";
import { BylinePanel } from "./BylinePanel";
import { ExportLinks } from "./ExportLinks";
import { StoryEditor } from "./StoryEditor";
import { WorkflowPanel } from "./WorkflowPanel";
import { ReviewLevelsPanel } from "./review/ReviewLevelsPanel";

export const dynamic = "force-dynamic";

/** The tab's title: the story's own (`generateMetadata` runs apart from the page, so it reads the summary). */
export async function generateMetadata({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  // Only a signed-in person learns the title (the page itself sends anyone else to sign in).
  const signedIn = ARTICLE_ID_PATTERN.test(id) && (await currentUser()) !== null;
  const summary = signedIn ? await getArticleSummary(getDb(), id) : null;
  return { title: summary ? `${summary.title || "无标题"} · 红网编辑台` : "红网编辑台" };
}

export default async function ArticlePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { user, actor, article, facts } = await articlePageAccess(id, `/articles/${id}`);
  const db = getDb();
  const [summary, audit, people, written, levelSetting] = await Promise.all([
    getArticleSummary(db, id),
    verifiedAuditLog(db, id),
    listEnabledUsers(db),
    authorship(db, id),
    reviewLevelSetting(db),
  ]);
  if (!summary) notFound();
  const names = new Map(people.map((p) => [p.id, p.displayName]));
  const { state } = facts;
  return (
    <>
      <AppHeader user={user} />
      <main className="article-page">
        <BackCrumb href="/" label="稿件列表" />
        <div className="article-meta">
          <span className={`state state-${state}`} data-testid="article-state">
            {ARTICLE_STATE_NAMES_ZH[state]}
          </span>
          <Link href={`/articles/${id}/history`} data-testid="history-link">
            历史版本
          </Link>
          <ExportLinks articleId={id} />
          {summary.slug && (
            <a href={`/news/${summary.slug}`} target="_blank" rel="noopener noreferrer" data-testid="public-link">
              查看发布页面
            </a>
          )}
        </div>
        {state === "changes_requested" && summary.changesNote && (
          <div className="changes-note" role="note" data-testid="changes-note">
            <strong>编辑退回意见：</strong>
            {summary.changesNote}
          </div>
        )}
        <WorkflowPanel articleId={id} actions={availableActions(actor, facts)} />
        {/* Under the default 签发 itself signs: no panel, and nothing fetched for it. */}
        {!levelSetting.isDefault && <ReviewLevelsPanel articleId={id} live={can(actor, "comment", facts)} />}
        {state === "approved" && (
          <SchedulePublish articleId={id} publishAt={summary.publishAt} canSchedule={can(actor, "transition:publish", facts)} />
        )}
        <div className="article-columns">
          <StoryEditor
            articleId={id}
            state={state}
            canEdit={can(actor, "edit", facts)}
            canComment={can(actor, "comment", facts)}
            canOverrideChecks={can(actor, "overrideCheck", facts)}
            user={personOf(user)}
            suggestions={{ people: people.map(personOf), byDefault: suggestsByDefault(user.role, state) }}
            readOnlyNotice={
              <ReadOnlyNotice
                articleId={id}
                reason={readOnlyReason(actor, facts) ?? "这篇稿件当前对你只读。"}
                canAskToJoin={can(actor, "askToJoin", facts)}
              />
            }
          />
          <aside className="article-side">
            <BylinePanel
              articleId={id}
              members={summary.byline.map(({ username, name, label }) => ({ username, name, label }))}
              candidates={bylineCandidates(people)}
              canChange={can(actor, "arrangeByline", facts)}
              canRemove={can(actor, "changeByline", facts)}
              dateline={article.dateline}
              canEditDateline={can(actor, "editDateline", facts)}
              contributions={written.contributions.map((c) => ({
                name: c.name,
                chars: c.chars,
                username: people.find((p) => p.id === c.id)?.username ?? null,
              }))}
              usernameById={Object.fromEntries(people.map((p) => [p.id, p.username]))}
              contributionsRefreshMs={setting("CONTRIBUTIONS_REFRESH_MS")}
            />
            <AuditTimeline report={audit} names={names} />
          </aside>
        </div>
      </main>
    </>
  );
}
