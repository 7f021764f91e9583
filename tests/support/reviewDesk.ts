import { hashPassword } from "../../server/auth/password";
import { withStoreSql } from "./storeSql";
import { DEMO_PASSWORD, type ServerStore } from "./testServer";

/**
 * The two editors the 三审 tests add to the demo newsroom so that three levels can be signed by
 * three different people (with 胡红叶): 复审编辑 `fushen` and 终审编辑 `zhongshen`, both with the
 * demo password.
 */
export async function addReviewEditors(store: ServerStore): Promise<void> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
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
