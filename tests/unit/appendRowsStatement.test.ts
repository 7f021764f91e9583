import { drizzle } from "drizzle-orm/pg-proxy";
import { describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import * as schema from "../../db/schema";
import { appendRows, BOUND_PER_OWNER, BOUND_PER_ROW, BOUND_PER_STORY, type StoryAppend } from "../../server/storyLog/appendRows";

const STORY = (n: number) => `7a960971-0ca6-423f-a3ad-8ac8ccbe878${n}`;
const WRITER = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f";

/**
 * The store splits a batch's stories over statements by what each binds (`drizzleStoryStore.ts`
 * keeps every statement under PostgreSQL's 65,535 bind parameters): the counts it uses must be
 * what the statement really binds, and a batch of stories must be one statement.
 */
describe("appendRows", () => {
  it("binds exactly its per-story, per-row and per-owner counts, in one statement for several stories", async () => {
    const statements: { sql: string; params: unknown[] }[] = [];
    const db = drizzle(
      async (sql, params) => {
        statements.push({ sql, params });
        return { rows: [] };
      },
      { schema },
    ) as unknown as Db;
    const row = { userId: WRITER, sessionId: "s", update: new Uint8Array([1, 2, 3]) };
    const stories: StoryAppend[] = [
      { articleId: STORY(1), touch: { title: "一", intervalMs: 30_000 }, rows: [row, row], owners: [[0, 11, WRITER], [1, 12, WRITER]] },
      { articleId: STORY(2), touch: { title: "二", intervalMs: 30_000 }, rows: [row], owners: [] },
      { articleId: STORY(3), touch: { title: "三", intervalMs: 30_000 }, rows: [row], owners: [[0, 13, null]] },
    ];
    // The proxy driver answers in another shape than PGlite and node-postgres: only the statement is looked at.
    await appendRows(db, stories, false).catch(() => null);
    expect(statements).toHaveLength(1);
    expect(statements[0].params).toHaveLength(3 * BOUND_PER_STORY + 4 * BOUND_PER_ROW + 3 * BOUND_PER_OWNER);
  });
});
