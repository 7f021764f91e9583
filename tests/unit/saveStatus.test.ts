import { describe, expect, it } from "vitest";
import { coversVector, isSavedFor, SAVE_STATUS_ZH, saveStatus, statusUnderAccess } from "../../newsroom/saveStatus";

describe("isSavedFor", () => {
  it("is saved when the committed vector has reached the client's clock", () => {
    expect(isSavedFor(new Map([[7, 10]]), 7, 10)).toBe(true);
    expect(isSavedFor(new Map([[7, 11]]), 7, 10)).toBe(true);
  });
  it("is not saved while the server has committed less than the client wrote", () => {
    expect(isSavedFor(new Map([[7, 9]]), 7, 10)).toBe(false);
    expect(isSavedFor(new Map([[8, 99]]), 7, 1)).toBe(false);
  });
  it("a client that wrote nothing has nothing to save", () => {
    expect(isSavedFor(new Map(), 7, 0)).toBe(true);
  });
});

describe("saveStatus", () => {
  it("says 离线 when a connection was lost, whatever was saved", () => {
    const status = saveStatus({ connected: false, everConnected: true, saved: true });
    expect(SAVE_STATUS_ZH[status]).toBe("离线");
  });
  it("says 连接中… before the first connection", () => {
    expect(SAVE_STATUS_ZH[saveStatus({ connected: false, everConnected: false, saved: true })]).toBe("连接中…");
  });
  it("says 已保存 only when connected and saved, 保存中… otherwise", () => {
    expect(SAVE_STATUS_ZH[saveStatus({ connected: true, everConnected: true, saved: true })]).toBe("已保存");
    expect(SAVE_STATUS_ZH[saveStatus({ connected: true, everConnected: true, saved: false })]).toBe("保存中…");
  });
});

describe("statusUnderAccess", () => {
  it("says the edits are lost when they are unsaved and the story is locked for this user", () => {
    expect(SAVE_STATUS_ZH[statusUnderAccess("saving", false)]).toBe("未保存：稿件已锁定");
  });
  it("changes nothing while the user may write, or when everything is saved or offline", () => {
    expect(statusUnderAccess("saving", true)).toBe("saving");
    expect(statusUnderAccess("saved", false)).toBe("saved");
    expect(statusUnderAccess("offline", false)).toBe("offline");
  });
});

describe("coversVector (what the browser kept from an earlier tab)", () => {
  it("is covered once the server has committed every client's clock the device holds", () => {
    expect(coversVector(new Map([[1, 5], [2, 9]]), new Map([[1, 5], [2, 3]]))).toBe(true);
    expect(coversVector(new Map([[1, 5]]), new Map())).toBe(true);
  });
  it("is not covered while an edit kept on the device is missing on the server", () => {
    expect(coversVector(new Map([[1, 5]]), new Map([[1, 6]]))).toBe(false);
    expect(coversVector(new Map([[1, 5]]), new Map([[1, 5], [3, 1]]))).toBe(false);
  });
});
