"use server";

import { headers } from "next/headers";
import { sameOriginPath } from "@/newsroom/sameOriginPath";
import { signIn } from "@/server/auth/authConfig";
import { OIDC_PROVIDER_ID } from "@/server/auth/oidcAccounts";
import { isSameOriginAction } from "@/server/http/actionOrigin";

/** The single sign-on button: off to the organisation's identity provider, back to `next`. */
export async function oidcSignInAction(formData: FormData): Promise<void> {
  if (!(await isSameOriginAction())) return;
  const sent = await headers();
  const next = sameOriginPath(String(formData.get("next") ?? "/"), sent.get("origin") ?? "");
  await signIn(OIDC_PROVIDER_ID, { redirectTo: next });
}
