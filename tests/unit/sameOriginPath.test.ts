import { describe, expect, it } from "vitest";
import { sameOriginPath } from "../../newsroom/sameOriginPath";

const ORIGIN = "https://desk.rednet.example";

describe("sameOriginPath", () => {
  it.each([
    ["/", "/"],
    ["/articles/abc", "/articles/abc"],
    ["/articles/abc?tab=history#v3", "/articles/abc?tab=history#v3"],
    ["/%2F%2Fevil.example", "/%2F%2Fevil.example"], // an encoded slash stays a path segment
    ["/%5Cevil.example", "/%5Cevil.example"],
    ["articles/abc", "/articles/abc"], // relative to the origin's root
    [`${ORIGIN}/articles/abc`, "/articles/abc"], // absolute, this origin
    ["HTTPS://DESK.REDNET.EXAMPLE/a", "/a"],
    ["/a/../b", "/b"],
    ["https:evil.example", "/evil.example"], // same scheme without slashes: a relative path
  ])("keeps %j as %j", (target, expected) => expect(sameOriginPath(target, ORIGIN)).toBe(expected));

  it.each([
    "//evil.example",
    "//evil.example/x",
    "/\\evil.example/x", // the issue's %2F%5Cevil.example%2Fx, decoded
    "\\\\evil.example",
    "\\/evil.example",
    "/\t/evil.example", // the issue's /%09/evil.example, decoded
    "/\n/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    " //evil.example",
    "https://evil.example/",
    "http://desk.rednet.example/", // same host, other scheme: another origin
    "https://desk.rednet.example:8443/",
    "https://desk.rednet.example.evil.example/",
    "https://desk.rednet.example@evil.example/",
    "https://user:pw@desk.rednet.example/",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:desk@rednet.example",
    "http:\\\\evil.example",
    `${ORIGIN}//evil.example`, // this origin, but a path a browser would read as a host
    "",
    "http://[::1",
  ])("falls back to / for %j", (target) => expect(sameOriginPath(target, ORIGIN)).toBe("/"));

  it("falls back to / for anything that is not a string", () => {
    for (const target of [undefined, null, 42, ["/a"], { href: "/a" }]) expect(sameOriginPath(target, ORIGIN)).toBe("/");
  });

  it("never answers a path a browser would resolve to another origin", () => {
    const tricky = ["/\\", "//", "/\t/", "\\\\", "/%09/", "/%2F/", "/./", "/../"];
    for (const a of tricky) {
      for (const b of tricky) {
        const path = sameOriginPath(`${a}${b}evil.example/x`, ORIGIN);
        expect(new URL(path, ORIGIN).origin, `${a}${b}`).toBe(ORIGIN);
        expect(path.startsWith("/") && !path.startsWith("//")).toBe(true);
      }
    }
  });
});
