"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "../../../db/client";
import { WORKFLOW_ACTIONS, type WorkflowAction } from "../../../newsroom/workflow";
import { articleTransitioner } from "../../../server/articles/articleTransitioner";
import { bylineEditor, type BylineChange } from "../../../server/articles/bylineEditor";
import { datelineEditor } from "../../../server/articles/datelineEditor";
import { currentUser } from "../../../server/auth/currentUser";
import { FOREIGN_ORIGIN_ZH, isSameOriginAction } from "../../../server/http/actionOrigin";

export interface PanelState {
  error: string | null;
  /** The note as typed, kept when the action is refused. */
  note?: string;
}

/** A workflow button on the article page (same command and checks as the JSON API). */
export async function transitionAction(articleId: string, _prev: PanelState, formData: FormData): Promise<PanelState> {
  if (!(await isSameOriginAction())) return { error: FOREIGN_ORIGIN_ZH, note: String(formData.get("note") ?? "") };
  const user = await currentUser();
  if (!user) redirect("/login");
  const action = String(formData.get("action") ?? "");
  const note = String(formData.get("note") ?? "");
  if (!(WORKFLOW_ACTIONS as readonly string[]).includes(action)) return { error: "未知的操作", note };
  const result = await articleTransitioner(getDb(), { actor: user, articleId, action: action as WorkflowAction, note });
  if (!result.ok) return { error: result.message, note };
  revalidatePath(`/articles/${articleId}`);
  return { error: null };
}

/** Byline changes from the members panel (the desk only; checked in the command). */
export async function bylineAction(articleId: string, _prev: PanelState, formData: FormData): Promise<PanelState> {
  if (!(await isSameOriginAction())) return { error: FOREIGN_ORIGIN_ZH };
  const user = await currentUser();
  if (!user) redirect("/login");
  const kind = String(formData.get("kind") ?? "");
  const username = String(formData.get("username") ?? "");
  let change: BylineChange;
  if (kind === "add") change = { kind, username, label: String(formData.get("label") ?? "") || undefined };
  else if (kind === "remove") change = { kind, username };
  else if (kind === "reorder") change = { kind, usernames: String(formData.get("order") ?? "").split(",").filter(Boolean) };
  else return { error: "未知的操作" };
  const result = await bylineEditor(getDb(), { actor: user, articleId, change });
  if (!result.ok) return { error: result.message };
  revalidatePath(`/articles/${articleId}`);
  return { error: null };
}

/** The dateline field next to the byline. */
export async function datelineAction(articleId: string, _prev: PanelState, formData: FormData): Promise<PanelState> {
  if (!(await isSameOriginAction())) return { error: FOREIGN_ORIGIN_ZH, note: String(formData.get("dateline") ?? "") };
  const user = await currentUser();
  if (!user) redirect("/login");
  const dateline = String(formData.get("dateline") ?? "");
  const result = await datelineEditor(getDb(), { actor: user, articleId, dateline });
  if (!result.ok) return { error: result.message, note: dateline };
  revalidatePath(`/articles/${articleId}`);
  return { error: null };
}
