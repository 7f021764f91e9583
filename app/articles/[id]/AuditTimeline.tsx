import { ARTICLE_STATE_NAMES_ZH, isArticleState } from "@/newsroom/articleStates";
import { formatShortTime } from "@/newsroom/timeFormat";
import { ACTION_NAMES_ZH, WORKFLOW_ACTIONS, type WorkflowAction } from "@/newsroom/workflow";
import type { AuditReport } from "@/server/articles/auditLog";

const stateName = (s: string) => (isArticleState(s) ? ARTICLE_STATE_NAMES_ZH[s] : s);
/** Entries besides transitions: an editor's override of a failed check (issue 14). */
const OTHER_ACTIONS_ZH: Record<string, string> = { override_check: "豁免检查", sign_off: "签署" };
const actionName = (a: string) =>
  (WORKFLOW_ACTIONS as readonly string[]).includes(a) ? ACTION_NAMES_ZH[a as WorkflowAction] : (OTHER_ACTIONS_ZH[a] ?? a);

/** What the chain check found, in words: which entry breaks it, or how many are missing at the end. */
function verdictText(report: AuditReport): string {
  if (report.verified) return "记录完整，未被改动";
  if (report.reason === "entries_missing") {
    // Without an intact keyed head there is no count: a story past draft with no entries at all.
    if (report.missingEntries === 0) return "警告：流程记录被删除，这篇稿件应有的流程记录全部缺失";
    return `警告：流程记录被改动过，末尾缺少 ${report.missingEntries} 条记录（从第 ${report.brokenPosition} 条起）`;
  }
  const where = report.brokenAt !== null ? `第 ${report.brokenPosition} 条记录（编号 ${report.brokenAt}）` : "记录末尾";
  const unkeyed = report.reason === "unkeyed" ? "，这条记录没有密钥签名" : "";
  return `警告：流程记录被改动过，${where}校验失败${unkeyed}`;
}

/** The article's workflow history, newest first, and whether its keyed hash chain holds. */
export function AuditTimeline({ report, names }: { report: AuditReport; names: Map<string, string> }) {
  return (
    <section className="timeline" aria-label="流程记录">
      <h2>流程记录</h2>
      {report.entries.length === 0 && report.verified ? (
        <p className="muted">尚无流程记录。</p>
      ) : (
        <>
          <p
            className={report.verified ? "chain-ok" : "error"}
            data-testid="audit-verified"
            title={report.verified ? "每条记录都经服务器密钥签名，并与前一条相连；任何改动或删除都会被发现" : undefined}
          >
            {verdictText(report)}
          </p>
          <ol>
            {[...report.entries].reverse().map((entry) => (
              <li
                key={entry.id}
                className={entry.id === report.brokenAt ? "error" : undefined}
                data-testid={entry.id === report.brokenAt ? "audit-broken-entry" : undefined}
              >
                {entry.id === report.brokenAt && <strong>（从这条起校验失败）</strong>}
                <time>{formatShortTime(entry.createdAt.toISOString())}</time>{" "}
                <strong>{names.get(entry.actorId) ?? "未知用户"}</strong> {actionName(entry.action)}：
                {stateName(entry.fromState)} → {stateName(entry.toState)}
                {entry.note && <blockquote>{entry.note}</blockquote>}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
