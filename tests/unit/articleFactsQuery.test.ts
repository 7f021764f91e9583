import { drizzle } from "drizzle-orm/pg-proxy";
import { describe, expect, it } from "vitest";
import type { Db } from "../../db/client";
import * as schema from "../../db/schema";
import { findArticleFacts } from "../../server/articles/articleFacts";

const ID = "7a960971-0ca6-423f-a3ad-8ac8ccbe8786";

describe("findArticleFacts", () => {
  it("asks once, with the byline's subquery naming the story's table (a member column `id` could not capture it)", async () => {
    const statements: string[] = [];
    const db = drizzle(
      async (sql) => {
        statements.push(sql);
        return { rows: [] };
      },
      { schema },
    ) as unknown as Db;
    expect(await findArticleFacts(db, ID)).toBeNull();
    expect(statements).toHaveLength(1);
    expect(statements[0]).toContain(`where "article_members"."article_id" = "articles"."id"`);
    expect(statements[0]).toContain(`order by "article_members"."position"`);
  });
});
