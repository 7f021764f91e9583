import { api } from "./session";

/**
 * The desk lets every failed machine check of the story's saved text through, with a reason
 * (issue 14's publish gate), as an editor does before 签发 a story that breaks a rule on purpose.
 */
export async function overrideFailedChecks(baseUrl: string, editorCookie: string, articleId: string): Promise<string[]> {
  const { body: report } = await api<{ contentHash: string; blocking: string[] }>(baseUrl, editorCookie, "GET", `/api/articles/${articleId}/checks`);
  for (const checkId of report.blocking) {
    const { status } = await api(baseUrl, editorCookie, "POST", `/api/articles/${articleId}/checks/overrides`, {
      checkId,
      contentHash: report.contentHash,
      reason: "测试:有意为之",
    });
    if (status !== 201) throw new Error(`overriding ${checkId} gave ${status}`);
  }
  return report.blocking;
}
