"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { sameOriginPath } from "@/newsroom/sameOriginPath";
import { signIn } from "@/server/auth/authConfig";
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_S, renewedDeviceCookie } from "@/server/auth/deviceCookie";
import { signInAttemptFrom, signInRetryAfter } from "@/server/auth/signInLimiter";
import { RATE_LIMITED_CODE, rateLimitedMessage } from "@/server/auth/signInResponse";
import { FOREIGN_ORIGIN_ZH, isSameOriginAction } from "@/server/http/actionOrigin";
import { signInForm } from "@/server/http/requestSchemas";
import type { FormState } from "../actions";

/**
 * Sign-in form. One message for every wrong answer: it never says which part was wrong. The
 * credentials provider counts and limits the attempt; a success also gets the proven-device
 * cookie and goes to `next`, but only as a path on this site.
 */
export async function signInAction(_prev: FormState, formData: FormData): Promise<FormState> {
  // Every field of the sign-in form reads as text (a missing one as ""), so parsing cannot fail.
  const { username, password, next, code } = signInForm.parse(Object.fromEntries(formData));
  if (!(await isSameOriginAction())) return { error: FOREIGN_ORIGIN_ZH, username };
  if (!username || !password) return { error: "请输入用户名和密码", username };
  const sent = await headers();
  // isSameOriginAction has checked that Origin is this site.
  const target = sameOriginPath(next, sent.get("origin") ?? "");
  try {
    await signIn("credentials", { username, password, code, redirect: false });
  } catch (err) {
    if (err instanceof CredentialsSignin && err.code === RATE_LIMITED_CODE) {
      return { error: rateLimitedMessage(await signInRetryAfter(signInAttemptFrom(username, sent))), username };
    }
    if (err instanceof AuthError) return { error: "用户名或密码错误（启用了两步验证的账号请同时核对动态验证码）", username };
    throw err;
  }
  const jar = await cookies();
  jar.set(DEVICE_COOKIE, renewedDeviceCookie(jar.get(DEVICE_COOKIE)?.value ?? null, username), {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    maxAge: DEVICE_COOKIE_MAX_AGE_S,
    secure: sent.get("x-forwarded-proto") === "https",
  });
  redirect(target);
}
