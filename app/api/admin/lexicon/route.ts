import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { actorOf } from "@/server/auth/actorOf";
import { lexiconEditor } from "@/server/commands/lexiconEditor";
import { adminUser, readAdminRequest } from "@/server/http/adminAccess";
import { apiError } from "@/server/http/apiErrors";
import { refusalResponse } from "@/server/http/commandResponse";
import { lexiconBody } from "@/server/http/requestSchemas";
import { lexiconWords } from "@/server/review/lexicon";

export const dynamic = "force-dynamic";

/** `GET /api/admin/lexicon`: the sensitive-word lexicon (admins only). */
export async function GET() {
  // The console's own door: an admin, with the second factor where the newsroom requires it.
  const admin = await adminUser();
  if ("error" in admin) return admin.error;
  if (!can(actorOf(admin.user), "manageLexicon")) return apiError("forbidden", "只有系统管理员可以查看敏感词库");
  return NextResponse.json({ words: await lexiconWords(getDb()) });
}

async function change(request: Request, kind: "add" | "remove") {
  const read = await readAdminRequest(request, lexiconBody);
  if ("error" in read) return read.error;
  const db = getDb();
  const result = await lexiconEditor(db, { actor: read.user, change: { kind, words: read.body } });
  if (!result.ok) return refusalResponse(result);
  return NextResponse.json({ changed: result.changed, words: await lexiconWords(db) }, { status: kind === "add" ? 201 : 200 });
}

/** `POST /api/admin/lexicon` `{word}` or `{words}`: adds words (already present ones are kept once). */
export async function POST(request: Request) {
  return change(request, "add");
}

/** `DELETE /api/admin/lexicon` `{word}` or `{words}`: removes words. */
export async function DELETE(request: Request) {
  return change(request, "remove");
}
