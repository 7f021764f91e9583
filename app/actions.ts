"use server";

import { redirect } from "next/navigation";
import { getDb } from "../db/client";
import { canCreateArticle } from "../newsroom/permissions";
import { isRole } from "../newsroom/roles";
import { articleCreator, MAX_TITLE_LENGTH } from "../server/articles/articleCreator";
import { signOut } from "../server/auth/authConfig";
import { currentUser } from "../server/auth/currentUser";
import { FOREIGN_ORIGIN_ZH, isSameOriginAction } from "../server/http/actionOrigin";

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
  if (!isRole(user.role) || !canCreateArticle({ id: user.id, role: user.role })) {
    return { error: "没有新建稿件的权限", title: String(formData.get("title") ?? "") };
  }
  const title = String(formData.get("title") ?? "").trim();
  if (title.length > MAX_TITLE_LENGTH) return { error: `标题不能超过 ${MAX_TITLE_LENGTH} 个字符`, title };
  const { id } = await articleCreator(getDb(), { actor: user, title });
  redirect(`/articles/${id}`);
}
