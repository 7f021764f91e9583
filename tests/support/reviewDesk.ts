import { hashPassword } from "../../server/auth/password";
import { connectClient } from "./collabClient";
import { api, createTeamStory, signIn } from "./session";
import { withStoreSql } from "./storeSql";
import { DEMO_PASSWORD, TEST_HASH_COST, type ServerStore } from "./testServer";

/**
 * The two editors the 三审 tests add to the demo newsroom so that three levels can be signed by
 * three different people (with 胡红叶): 复审编辑 `fushen` and 终审编辑 `zhongshen`, both with the
 * demo password.
 */
export async function addReviewEditors(store: ServerStore): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD, TEST_HASH_COST);
  await withStoreSql(store, async (query) => {
    for (const [username, name] of [
      ["fushen", "复审编辑"],
      ["zhongshen", "终审编辑"],
    ]) {
      await query("insert into users (username, display_name, role, byline_label, password_hash) values ($1, $2, 'editor', '编辑', $3)", [
        username,
        name,
        passwordHash,
      ]);
    }
  });
}

/**
 * A story sent to the desk for review: 胡红叶 starts it with the reporters on the byline,
 * 姚宇超 writes `text` live (saved before it is submitted) and submits it. Returns its id.
 */
export async function submittedStory(baseUrl: string, title: string, text: string): Promise<string> {
  const id = await createTeamStory(baseUrl, await signIn(baseUrl, "huhongye"), title);
  const reporterCookie = await signIn(baseUrl, "yaoyuchao");
  const writer = connectClient(baseUrl, id, reporterCookie);
  try {
    await writer.waitSynced();
    writer.type(text);
    await writer.waitSaved();
  } finally {
    writer.destroy();
  }
  const submitted = await api(baseUrl, reporterCookie, "POST", `/api/articles/${id}/transitions`, { action: "submit" });
  if (submitted.status !== 200) throw new Error(`submitting the story answered ${submitted.status}`);
  return id;
}
