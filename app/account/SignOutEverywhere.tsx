"use client";

import { useState } from "react";
import { ErrorAlert } from "@/app/ErrorAlert";
import { callApi } from "../admin/adminApi";

/** 退出所有设备: every session of the account ends, this one too; then the login page. */
export function SignOutEverywhere() {
  const [error, setError] = useState<string | null>(null);
  async function endAll() {
    const result = await callApi("DELETE", "/api/account/sessions", {});
    if (!result.ok) return setError(result.message);
    window.location.assign("/login");
  }
  return (
    <>
      <button type="button" onClick={endAll}>
        退出所有设备
      </button>
      <ErrorAlert message={error} />
    </>
  );
}
