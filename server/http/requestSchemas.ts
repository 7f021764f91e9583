import "server-only";
import { z } from "zod";
import { CHECK_IDS } from "../../newsroom/checks/checkResult";
import { ARTICLE_STATES } from "../../newsroom/articleStates";
import { WORKFLOW_ACTIONS } from "../../newsroom/workflow";
import { MAX_TITLE_LENGTH } from "../commands/articleCreator";
import { initialBodySchema } from "../articles/initialBody";

/**
 * The shape of every request body, query and form the API routes and server actions accept,
 * in one place. Each message is what the person (or the script) is told when the shape is
 * wrong; `parseRequest.ts` turns the first one into the answer.
 */

/** Longest name of a named version, in characters. */
export const MAX_VERSION_NAME_LENGTH = 100;

const workflowAction = z.enum(WORKFLOW_ACTIONS, { error: `action 必须是 ${WORKFLOW_ACTIONS.join("、")} 之一` });

/** `POST /api/articles` `{title?}`. */
export const newArticleBody = z.object({
  title: z
    .string({ error: "标题必须是文本" })
    .max(MAX_TITLE_LENGTH, { error: `标题不能超过 ${MAX_TITLE_LENGTH} 个字符` })
    .nullish()
    .transform((title) => title ?? ""),
});

/** Longest dateline ("长沙报道"), in characters. */
export const MAX_DATELINE_LENGTH = 40;

/**
 * `POST /api/articles/import` `{title, dateline?, members, body}`: a plain-text story the
 * reporter reviewed on the import page. `members` are usernames with their byline labels.
 */
export const importArticleBody = z.object({
  title: z
    .string({ error: "标题必须是文本" })
    .trim()
    .min(1, { error: "导入的稿件需要标题" })
    .max(MAX_TITLE_LENGTH, { error: `标题不能超过 ${MAX_TITLE_LENGTH} 个字符` }),
  dateline: z
    .string({ error: "电头必须是文本" })
    .trim()
    .max(MAX_DATELINE_LENGTH, { error: `电头不能超过 ${MAX_DATELINE_LENGTH} 个字符` })
    .nullish()
    .transform((dateline) => dateline || null),
  members: z
    .array(z.object({ username: z.string({ error: "署名需要 username" }), label: z.string().trim().min(1).max(20) }), { error: "members 必须是署名数组" })
    .max(20, { error: "署名最多 20 人" })
    .default([]),
  body: initialBodySchema,
});

/**
 * `POST /api/articles/:id/transitions` `{action, note?, at?}`; `at` (an ISO time with its
 * offset) only with `publish`: schedule the publication instead of publishing now.
 */
export const transitionBody = z
  .object({
    action: workflowAction,
    note: z.string({ error: "note 必须是文本" }).nullish().transform((note) => note ?? null),
    at: z.iso
      .datetime({ offset: true, error: "at 必须是带时区的 ISO 时间，例如 2026-11-28T08:00:00+08:00" })
      .nullish()
      .transform((at) => (at ? new Date(at) : null)),
  })
  .refine((body) => body.at === null || body.action === "publish", { error: "只有发布（publish）可以指定时间 at" });

/**
 * `GET /api/articles?q=&state=&member=` (and the dashboard's search form): `q` trimmed, at
 * most `maxChars` characters; `state` one of the states; `member` a username. Empty means "any".
 */
export function articleSearchQuery(maxChars: number) {
  return z.object({
    q: z
      .string()
      .trim()
      .max(maxChars, { error: `搜索内容不能超过 ${maxChars} 个字` })
      .default(""),
    state: z
      .union([z.literal(""), z.enum(ARTICLE_STATES)], { error: `state 必须是 ${ARTICLE_STATES.join("、")} 之一` })
      .default(""),
    member: z.string().trim().max(100, { error: "member 必须是用户名" }).default(""),
  });
}

/** Most ids one `POST /api/notifications/read` may name. */
export const MAX_NOTIFICATION_IDS = 500;

/** `POST /api/notifications/read` `{ids?}`: the ones to mark read; without ids, all. */
export const markNotificationsBody = z.object({
  ids: z
    .array(z.number({ error: "ids 必须是通知编号数组" }).int().positive(), { error: "ids 必须是通知编号数组" })
    .max(MAX_NOTIFICATION_IDS, { error: `一次最多标记 ${MAX_NOTIFICATION_IDS} 条通知` })
    .nullish()
    .transform((ids) => ids ?? null),
});

/** `POST /api/articles/:id/members` `{username, label?}`. */
const addMemberHint = "需要 username（以及可选的 label）";
export const addMemberBody = z.object({
  username: z.string({ error: addMemberHint }),
  label: z.string({ error: addMemberHint }).optional(),
});

/** `PUT /api/articles/:id/members` `{usernames}`: the byline in its new order. */
export const reorderMembersBody = z.object({
  usernames: z.array(z.string(), { error: "需要 usernames（用户名数组）" }),
});

/** `DELETE /api/articles/:id/members` `{username}`. */
export const removeMemberBody = z.object({ username: z.string({ error: "需要 username" }) });

const versionNameHint = `版本名称需为 1–${MAX_VERSION_NAME_LENGTH} 个字`;

/** `POST /api/articles/:id/revisions` `{name}`: 1–100 characters once trimmed. */
export const namedVersionBody = z.object({
  name: z
    .string({ error: versionNameHint })
    .trim()
    .min(1, { error: versionNameHint })
    .max(MAX_VERSION_NAME_LENGTH, { error: versionNameHint }),
});

/** `POST …/revisions/:revisionId/restore`: no parameters (a body, if any, is ignored). */
export const restoreBody = z.object({});

/** A request without parameters (`POST …/join-requests`); a body, if any, is ignored. */
export const emptyBody = z.object({});

/** A revision id in a path: a positive integer that fits a JavaScript number exactly. */
export const revisionIdParam = z.string().regex(/^\d{1,15}$/).transform(Number);

/** `GET /api/articles/:id/diff?from=&to=`: revision ids or "live" (looked up by the route). */
export const diffQuery = z.object({
  from: z.string().default(""),
  to: z.string().default(""),
});

/** `GET /api/articles/:id/moments?index=N`: a negative index means "now". */
export const momentsQuery = z.object({
  index: z
    .string()
    .regex(/^-?\d{1,9}$/, { error: "index 必须是整数" })
    .default("-1")
    .transform(Number),
});

/** The form values a server action reads are text; a missing field reads as "". */
const formText = z.string().catch("");

/** Dashboard's "新建稿件" form. */
export const newArticleForm = z.object({
  title: formText
    .transform((title) => title.trim())
    .pipe(z.string().max(MAX_TITLE_LENGTH, { error: `标题不能超过 ${MAX_TITLE_LENGTH} 个字符` })),
});

/** A workflow button on the article page. */
export const transitionForm = z.object({
  action: z.enum(WORKFLOW_ACTIONS, { error: "未知的操作" }),
  note: formText,
});

/** The byline panel: add, remove or reorder. */
export const bylineForm = z.discriminatedUnion(
  "kind",
  [
    z.object({
      kind: z.literal("add"),
      username: formText,
      label: formText.transform((label) => label || undefined),
    }),
    z.object({ kind: z.literal("remove"), username: formText }),
    z.object({
      kind: z.literal("reorder"),
      /** Usernames in their new order, comma-separated. */
      order: formText.transform((order) => order.split(",").filter(Boolean)),
    }),
  ],
  { error: "未知的操作" },
);

/** The dateline field (its length is the command's rule). */
export const datelineForm = z.object({ dateline: formText });

/** The sign-in form. */
export const signInForm = z.object({
  username: formText.transform((username) => username.trim()),
  password: formText,
  next: formText,
  /** The second factor's code (accounts that turned it on); "" otherwise. */
  code: formText,
});

const commentTextField = z.string({ error: "text 必须是文本" });

/** `POST /api/articles/:id/comments` `{anchor: {start, end}, quote?, text}` (lengths: the command). */
export const newCommentBody = z.object({
  anchor: z.object(
    { start: z.string({ error: "anchor.start 必须是文本" }), end: z.string({ error: "anchor.end 必须是文本" }) },
    { error: "需要 anchor: {start, end}(Y.encodeRelativePosition 的 base64)" },
  ),
  quote: z.string({ error: "quote 必须是文本" }).nullish(),
  text: commentTextField,
});

/** `POST …/comments/:cid/replies` `{text}` and `PATCH …/comments/:cid` `{text}`. */
export const commentTextBody = z.object({ text: commentTextField });

/** `POST …/comments/:cid/resolve` `{resolved}`. */
export const resolveCommentBody = z.object({ resolved: z.boolean({ error: "resolved 必须是 true 或 false" }) });

/** `DELETE …/comments/:cid`: no parameters. */
export const deleteCommentBody = z.object({});

/**
 * `POST /api/articles/:id/checks/overrides` `{checkId, contentHash, reason, lexiconVersion?}`
 * (`lexiconVersion`: the one the editor's report showed; a sensitive-word override is refused if
 * the lexicon changed since, so it never covers a finding nobody saw).
 */
export const checkOverrideBody = z.object({
  checkId: z.enum(CHECK_IDS, { error: `checkId 必须是 ${CHECK_IDS.join("、")} 之一` }),
  contentHash: z.string({ error: "需要 contentHash（所豁免的检查结果对应的内容哈希）" }).regex(/^[0-9a-f]{64}$/, { error: "contentHash 格式不正确" }),
  reason: z.string({ error: "需要 reason（豁免理由）" }),
  lexiconVersion: z.string({ error: "lexiconVersion 必须是文本" }).max(100, { error: "lexiconVersion 格式不正确" }).optional(),
});

/** `POST|DELETE /api/admin/lexicon` `{word}` or `{words}`: one word or several. */
export const lexiconBody = z
  .object({
    word: z.string({ error: "word 必须是文本" }).optional(),
    words: z.array(z.string({ error: "words 必须是文本数组" }), { error: "words 必须是文本数组" }).max(1000, { error: "一次最多 1000 个词" }).optional(),
  })
  .transform(({ word, words }) => [...(word !== undefined ? [word] : []), ...(words ?? [])])
  .refine((words) => words.length > 0, { error: "需要 word 或 words" });
