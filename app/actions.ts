"use server";

import { AuthError } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "../db/client";
import { canCreateArticle } from "../newsroom/permissions";
import { isRole } from "../newsroom/roles";
import { articleCreator, MAX_TITLE_LENGTH } from "../server/articles/articleCreator";
import { signIn, signOut } from "../server/auth/authConfig";
import { currentUser } from "../server/auth/currentUser";
import { peerAddress, signInRetryAfter } from "../server/auth/signInLimiter";
import { FOREIGN_ORIGIN_ZH, isSameOriginAction } from "../server/http/actionOrigin";

export interface FormState {
  error: string | null;
  /** What the user typed, given back so a refused form keeps it. */
  username?: string;
  title?: string;
}

/** Sign-in form. One message for every failure: it never says which part was wrong. */
export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  const username = String(formData.get("username") ?? "").trim();
  if (!(await isSameOriginAction())) return { error: FOREIGN_ORIGIN_ZH, username };
  const password = String(formData.get("password") ?? "");
  if (!username || !password) return { error: "请输入用户名和密码", username };
  const next = String(formData.get("next") ?? "/");
  const wait = await signInRetryAfter(username, peerAddress(await headers()));
  if (wait > 0) return { error: `登录尝试过多,请 ${Math.ceil(wait / 60)} 分钟后再试`, username };
  try {
    await signIn("credentials", {
      username,
      password,
      // Only same-site paths: an open redirect would let a link send people anywhere.
      redirectTo: next.startsWith("/") && !next.startsWith("//") ? next : "/",
    });
  } catch (err) {
    if (err instanceof AuthError) return { error: "用户名或密码错误", username };
    throw err; // the redirect after a successful sign-in
  }
  return { error: null };
}

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
