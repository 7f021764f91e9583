/** Calls the JSON API from a console form: the answer's body, or the message of its error. */
export async function callApi<T>(method: string, path: string, body: unknown): Promise<{ ok: true; body: T } | { ok: false; message: string }> {
  try {
    const response = await fetch(path, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const parsed = (await response.json().catch(() => null)) as (T & { error?: { message?: string } }) | null;
    if (response.ok && parsed) return { ok: true, body: parsed };
    return { ok: false, message: parsed?.error?.message ?? `请求失败（${response.status}）` };
  } catch {
    return { ok: false, message: "网络错误，请重试" };
  }
}
