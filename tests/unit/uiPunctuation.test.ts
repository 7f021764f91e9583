import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

const APP = path.resolve(import.meta.dirname, "../../app");

/** Every .ts/.tsx file under app/ (the workbench's pages and components). */
function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

/** A half-width : , ; ! ? ( ) touching a Chinese character: in Chinese text it should be full-width. */
const HALF_WIDTH_BY_HAN = /[\u3400-\u9fff][:,;!?()]|[:,;!?()][\u3400-\u9fff]/;
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

  it("would notice one", () => {
    expect(HALF_WIDTH_BY_HAN.test('"网络错误,请重试"')).toBe(true);
    expect(HALF_WIDTH_BY_HAN.test('"（无标题）"')).toBe(false);
  });
});
