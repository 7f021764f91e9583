"use client";

import { useActionState, useState } from "react";
import { ACTION_NAMES_ZH, TRANSITIONS, type WorkflowAction } from "@/newsroom/workflow";
import { ErrorAlert } from "@/app/ErrorAlert";
import { useReportPendingPageAction } from "./pendingPageAction";
import { transitionAction, type PanelState } from "./workflowActions";

const CONFIRM_ZH: Partial<Record<WorkflowAction, string>> = {
  spike: "确定废弃这篇稿件吗？废弃后不能再编辑。",
  publish: "确定立即发布吗？读者将马上看到签发的版本。",
};

/** Actions that cannot be taken back with a click: shown in red. Publishing is not one of them. */
const DANGER: readonly WorkflowAction[] = ["spike"];

/**
 * Actions the page asks a note for: those the rules require one for, and withdrawal, whose
 * reason readers of the withdrawn page are shown (the API keeps it optional).
 */
const ASKS_NOTE = (action: WorkflowAction) => TRANSITIONS[action].needsNote || action === "withdraw";

const NOTE_LABEL_ZH: Partial<Record<WorkflowAction, string>> = {
  request_changes: "退回意见（记者会看到）",
  correct: "更正说明（读者会看到）",
  withdraw: "撤稿原因（读者会在撤稿页面看到）",
};

/** The workflow actions this user may take now; the ones that need a note ask for it. */
export function WorkflowPanel({ articleId, actions }: { articleId: string; actions: WorkflowAction[] }) {
  const [state, formAction, pending] = useActionState<PanelState, FormData>(
    transitionAction.bind(null, articleId),
    { error: null },
  );
  const [noteFor, setNoteFor] = useState<WorkflowAction | null>(null);
  useReportPendingPageAction(pending);
  if (actions.length === 0) return null;
  return (
    <div className="workflow-panel" data-testid="workflow-panel">
      <div className="workflow-buttons">
        {actions.map((action) =>
          ASKS_NOTE(action) ? (
            <button key={action} type="button" onClick={() => setNoteFor(noteFor === action ? null : action)} disabled={pending}>
              {ACTION_NAMES_ZH[action]}…
            </button>
          ) : (
            <form
              key={action}
              action={formAction}
              onSubmit={(event) => {
                // Spiking a story or publishing it now is not undone by a click; ask first.
                if (CONFIRM_ZH[action] && !window.confirm(CONFIRM_ZH[action])) event.preventDefault();
              }}
            >
              <input type="hidden" name="action" value={action} />
              <button type="submit" disabled={pending} data-action={action} className={DANGER.includes(action) ? "danger" : action === "publish" ? "publish" : undefined}>
                {ACTION_NAMES_ZH[action]}
              </button>
            </form>
          ),
        )}
      </div>
      {noteFor && (
        <form action={formAction} className="note-form">
          <input type="hidden" name="action" value={noteFor} />
          <label>
            {NOTE_LABEL_ZH[noteFor]}
            <textarea name="note" required rows={3} defaultValue={state.note} maxLength={2000} />
          </label>
          <button type="submit" disabled={pending} data-action={noteFor}>
            确认{ACTION_NAMES_ZH[noteFor]}
          </button>
        </form>
      )}
      <ErrorAlert message={state.error} />
    </div>
  );
}
