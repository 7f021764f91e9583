import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "../..");
const APP = path.join(ROOT, "app");

/** Every .ts/.tsx file under app/ (the workbench's pages and components). */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/**
 * A half-width : , ; ! ? ( ) touching a Chinese character (or a half-width : , ; after a
 * full-width closing parenthesis): in Chinese text it should be full-width.
 */
const HALF_WIDTH_BY_HAN = /[\u3400-\u9fff][:,;!?()]|[:,;!?()][\u3400-\u9fff]|）[:,;]/;
/** String and template literals of a line (server code: only what can reach a person). */
const STRING_LITERAL = /"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g;
/**
 * Server and shared files whose Chinese strings are not checked here, and why:
 * - newsroom/publicationFormat.ts: the outlet's footer exactly as the sample story prints it
 *   (`来源:红网`, DESIGN.md), which the importer also reads back.
 */
const NOT_CHECKED = [/^newsroom\/publicationFormat\.ts$/];
/** Comment lines (English prose about the strings may quote them as they were). */
const COMMENT = /^\s*(\/\/|\*|\/\*|\{\/\*)/;

describe("punctuation of the workbench's Chinese strings (issue 13: mixed half- and full-width)", () => {
  it("uses full-width ：，；！？（） next to Chinese characters in every UI string under app/", () => {
    const offending = sourceFiles(APP).flatMap((file) =>
      fs
        .readFileSync(file, "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${path.relative(APP, file)}:${i + 1}` }))
        .filter(({ line }) => !COMMENT.test(line) && HALF_WIDTH_BY_HAN.test(line))
        .map(({ line, at }) => `${at}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });

  it("uses full-width punctuation next to Chinese in every message string under server/ and newsroom/", () => {
    const files = ["server", "newsroom"]
      .flatMap((dir) => sourceFiles(path.join(ROOT, dir)))
      .map((file) => path.relative(ROOT, file))
      .filter((file) => !NOT_CHECKED.some((pattern) => pattern.test(file)));
    const offending = files.flatMap((file) =>
      fs
        .readFileSync(path.join(ROOT, file), "utf8")
        .split("\n")
        .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
        .filter(({ line }) => !COMMENT.test(line) && (line.match(STRING_LITERAL) ?? []).some((literal) => HALF_WIDTH_BY_HAN.test(literal)))
        .map(({ line, at }) => `${at}: ${line.trim()}`),
    );
    expect(offending).toEqual([]);
  });

  it("would notice one", () => {
    expect(HALF_WIDTH_BY_HAN.test('"网络错误,请重试"')).toBe(true);
    expect(HALF_WIDTH_BY_HAN.test('"（无标题）"')).toBe(false);
    expect(HALF_WIDTH_BY_HAN.test('"内容哈希（SHA-256）:"')).toBe(true);
    expect('refuse("conflict", "稿件状态已被他人更改,请刷新后重试")'.match(STRING_LITERAL)?.some((l) => HALF_WIDTH_BY_HAN.test(l))).toBe(true);
  });
});
