"use client";

import { signOutAction } from "./actions";
import { clearLocalCopies } from "./localCopies";

/**
 * 退出登录: deletes the story copies this browser kept (edits made offline included) before
 * the session ends, so the next person to sign in here finds nothing of this account's.
 */
export function SignOutButton() {
  return (
    <form
      action={async () => {
        await clearLocalCopies();
        await signOutAction();
      }}
    >
      <button type="submit" className="link-button">
        退出登录
      </button>
    </form>
  );
}
