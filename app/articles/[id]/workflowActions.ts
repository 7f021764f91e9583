"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { articleTransitioner } from "@/server/commands/articleTransitioner";
import { bylineEditor, type BylineChange } from "@/server/commands/bylineEditor";
import { datelineEditor } from "@/server/commands/datelineEditor";
import { currentUser } from "@/server/auth/currentUser";
import { FOREIGN_ORIGIN_ZH, isSameOriginAction } from "@/server/http/actionOrigin";
import { parseForm } from "@/server/http/parseRequest";
import { bylineForm, datelineForm, transitionForm } from "@/server/http/requestSchemas";

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
  const form = parseForm(transitionForm, formData);
  if ("message" in form) return { error: form.message, note: String(formData.get("note") ?? "") };
  const { action, note } = form.data;
  const result = await articleTransitioner(getDb(), { actor: user, articleId, action, note });
  if (!result.ok) return { error: result.message, note };
  revalidatePath(`/articles/${articleId}`);
  return { error: null };
}

/** Byline changes from the members panel (the desk only; checked in the command). */
export async function bylineAction(articleId: string, _prev: PanelState, formData: FormData): Promise<PanelState> {
  if (!(await isSameOriginAction())) return { error: FOREIGN_ORIGIN_ZH };
  const user = await currentUser();
  if (!user) redirect("/login");
  const form = parseForm(bylineForm, formData);
  if ("message" in form) return { error: form.message };
  const change: BylineChange = form.data.kind === "reorder" ? { kind: "reorder", usernames: form.data.order } : form.data;
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
  const form = parseForm(datelineForm, formData);
  if ("message" in form) return { error: form.message };
  const { dateline } = form.data;
  const result = await datelineEditor(getDb(), { actor: user, articleId, dateline });
  if (!result.ok) return { error: result.message, note: dateline };
  revalidatePath(`/articles/${articleId}`);
  return { error: null };
}
