import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { DEFAULT_REVIEW_LEVELS } from "@/newsroom/reviewLevels";
import { reviewLevelsEditor } from "@/server/commands/reviewLevelsEditor";
import { adminUser, readAdminRequest } from "@/server/http/adminAccess";
import { refusalResponse } from "@/server/http/commandResponse";
import { reviewLevelsBody } from "@/server/http/reviewLevelSchemas";
import { configuredLevels } from "@/server/review/reviewLevelSetting";

export const dynamic = "force-dynamic";

async function answer(status = 200) {
  const levels = await configuredLevels(getDb());
  return NextResponse.json(
    // Nothing configured: the default single level, signed by any editor's 签发.
    levels.length === 0 ? { isDefault: true, levels: [{ name: DEFAULT_REVIEW_LEVELS.levels[0].name, signers: "editors" }] } : { isDefault: false, levels },
    { status },
  );
}

/** `GET /api/admin/review-levels`: the review levels (三审) in order and who may sign each (admins only). */
export async function GET() {
  // The console's own door: an admin, with the second factor where the newsroom requires it.
  const admin = await adminUser();
  if ("error" in admin) return admin.error;
  return answer();
}

/**
 * `PUT /api/admin/review-levels` `{levels: [{name, signers: [username…] | "editors"}]}`: replaces
 * the levels, in order; `[]` goes back to the default.
 */
export async function PUT(request: Request) {
  const read = await readAdminRequest(request, reviewLevelsBody);
  if ("error" in read) return read.error;
  const result = await reviewLevelsEditor(getDb(), { actor: read.user, levels: read.body.levels });
  if (!result.ok) return refusalResponse(result);
  return answer();
}
