"use server";

import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { articleCreator } from "@/server/commands/articleCreator";
import { actorOf } from "@/server/auth/actorOf";
import { signOut } from "@/server/auth/authConfig";
import { currentUser } from "@/server/auth/currentUser";
import { FOREIGN_ORIGIN_ZH, isSameOriginAction } from "@/server/http/actionOrigin";
import { parseForm } from "@/server/http/parseRequest";
import { newArticleForm } from "@/server/http/requestSchemas";

export interface FormState {
  error: string | null;
  /** What the user typed, given back so a refused form keeps it. */
  username?: string;
  title?: string;
}

// signInAction lives with the login page: app/login/signInAction.ts.

export async function signOutAction(): Promise<void> {
  // Another site must not be able to sign people out either.
  if (!(await isSameOriginAction())) return;
  await signOut({ redirectTo: "/login" });
}

/** Dashboard's "新建稿件": creates the article and opens it. */
export async function createArticleAction(_prev: FormState, formData: FormData): Promise<FormState> {
  if (!(await isSameOriginAction())) return { error: FOREIGN_ORIGIN_ZH, title: String(formData.get("title") ?? "") };
  const user = await currentUser();
  if (!user) redirect("/login");
  if (!can(actorOf(user), "create")) return { error: "没有新建稿件的权限", title: String(formData.get("title") ?? "") };
  const form = parseForm(newArticleForm, formData);
  if ("message" in form) return { error: form.message, title: String(formData.get("title") ?? "").trim() };
  const { id } = await articleCreator(getDb(), { actor: user, title: form.data.title });
  redirect(`/articles/${id}`);
}
