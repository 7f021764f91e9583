import { ARTICLE_STATE_NAMES_ZH, isArticleState } from "../../../newsroom/articleStates";
import { formatShortTime } from "../../../newsroom/timeFormat";
import { ACTION_NAMES_ZH, WORKFLOW_ACTIONS, type WorkflowAction } from "../../../newsroom/workflow";
import type { AuditReport } from "../../../server/articles/auditLog";

const stateName = (s: string) => (isArticleState(s) ? ARTICLE_STATE_NAMES_ZH[s] : s);
const actionName = (a: string) =>
  (WORKFLOW_ACTIONS as readonly string[]).includes(a) ? ACTION_NAMES_ZH[a as WorkflowAction] : a;

/** The article's workflow history, newest first, and whether its hash chain holds. */
export function AuditTimeline({ report, names }: { report: AuditReport; names: Map<string, string> }) {
  return (
    <section className="timeline" aria-label="流程记录">
      <h2>流程记录</h2>
      {report.entries.length === 0 ? (
        <p className="muted">尚无流程记录。</p>
      ) : (
        <>
          <p className={report.verified ? "chain-ok" : "error"} data-testid="audit-verified">
            {report.verified ? "记录完整(哈希链校验通过)" : "警告:流程记录被改动过(哈希链校验失败)"}
          </p>
          <ol>
            {[...report.entries].reverse().map((entry) => (
              <li key={entry.id}>
                <time>{formatShortTime(entry.createdAt.toISOString())}</time>{" "}
                <strong>{names.get(entry.actorId) ?? "未知用户"}</strong> {actionName(entry.action)}:
                {stateName(entry.fromState)} → {stateName(entry.toState)}
                {entry.note && <blockquote>{entry.note}</blockquote>}
                <code className="hash" title={entry.contentHash}>
                  {entry.contentHash.slice(0, 12)}
                </code>
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
