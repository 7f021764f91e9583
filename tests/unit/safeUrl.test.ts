import { describe, expect, it } from "vitest";
import { isSafeLinkTarget, isSafeUrl } from "../../newsroom/safeUrl";

describe("isSafeUrl", () => {
  it.each(["https://www.rednet.cn/a", "http://example.com", "mailto:desk@rednet.cn", "HTTPS://EXAMPLE.COM"])(
    "accepts %s",
    (url) => expect(isSafeUrl(url)).toBe(true),
  );
  it.each([
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    " javascript:alert(1)",
    "\u0000javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "//evil.example",
    "/relative",
    "",
  ])("refuses %j", (url) => expect(isSafeUrl(url)).toBe(false));
});

describe("isSafeLinkTarget", () => {
  it("accepts a bare address the editor completes with https", () => {
    expect(isSafeLinkTarget("www.rednet.cn")).toBe(true);
  });
  it("refuses dangerous schemes however they are dressed up", () => {
    expect(isSafeLinkTarget("javascript:alert(1)")).toBe(false);
    expect(isSafeLinkTarget("  JAVASCRIPT:alert(1)")).toBe(false);
    expect(isSafeLinkTarget("data:text/html;base64,PHNjcmlwdD4=")).toBe(false);
    expect(isSafeLinkTarget("   ")).toBe(false);
  });
});
