import { describe, expect, it } from "vitest";
import { refusalFor } from "../../newsroom/collabRefusal";

describe("refusalFor", () => {
  it("tells a spent budget from too many open pages, though both close with 4429", () => {
    const budget = refusalFor(4429, "over COLLAB_MAX_UPDATES_PER_SECOND");
    const sockets = refusalFor(4429, "too many connections");
    expect(budget.message).toContain("发送得过快");
    expect(sockets.message).toContain("编辑页面过多");
    expect(budget.offerReload && sockets.offerReload).toBe(true);
  });

  it("says an update outside the schema was not saved, and offers a reload", () => {
    const refusal = refusalFor(4400, "outside the schema: node script");
    expect(refusal.message).toContain("没有保存");
    expect(refusal.offerReload).toBe(true);
  });

  it("offers no reload where reloading cannot help (signed out, no access, no story)", () => {
    for (const code of [4401, 4403, 4404]) expect(refusalFor(code, "").offerReload).toBe(false);
    expect(refusalFor(4401, "").message).toContain("重新登录");
  });

  it("has words for a code it does not know", () => {
    expect(refusalFor(4499, "").message).toBe("连接被服务器拒绝。");
  });
});
