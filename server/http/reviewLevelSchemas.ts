import "server-only";
import { z } from "zod";
import { hasControlCharacter } from "../../newsroom/xmlChars";

/** Longest name of a review level (初审, 复审, 终审 …), in characters. */
export const MAX_LEVEL_NAME_LENGTH = 20;

/** Unknown fields are refused with a message naming them (the bodies are strict). */
const strict = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) => (issue.code === "unrecognized_keys" ? `不认识的字段：${issue.keys.join("、")}` : "请求必须是 JSON 对象"),
  });

const level = strict({
  name: z
    .string({ error: "审级名称必须是文本" })
    .trim()
    .min(1, { error: "审级需要名称" })
    .max(MAX_LEVEL_NAME_LENGTH, { error: `审级名称不能超过 ${MAX_LEVEL_NAME_LENGTH} 个字` })
    // The name goes into the public page, receipt.json and the Atom feed: no control characters.
    .refine((name) => !hasControlCharacter(name), { error: "审级名称不能包含控制字符" }),
  /** Usernames of the accounts that may sign, or "editors": any editor. */
  signers: z.union([z.literal("editors"), z.array(z.string({ error: "签署人必须是用户名" }))], {
    error: "signers 必须是用户名数组或 \"editors\"",
  }),
});

/**
 * `PUT /api/admin/review-levels` `{levels: [{name, signers}]}`: the whole list, in order; an
 * empty list goes back to the default (one level, signed by the editor's 签发).
 */
export const reviewLevelsBody = strict({
  levels: z.array(level, { error: "levels 必须是审级数组" }),
});

/** `POST /api/articles/:id/signoffs` `{level, contentHash?}`. */
export const signoffBody = strict({
  level: z.string({ error: "level 必须是审级名称" }).trim().min(1, { error: "需要 level" }),
  contentHash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, { error: "contentHash 必须是 64 位十六进制" })
    .optional(),
});
