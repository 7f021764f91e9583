import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { can } from "@/newsroom/policy";
import { actorOf } from "@/server/auth/actorOf";
import { currentUser } from "@/server/auth/currentUser";
import { mediaUploader } from "@/server/commands/mediaUploader";
import { mediaSettings } from "@/server/env";
import { apiError, notSignedIn } from "@/server/http/apiErrors";
import { refusalResponse } from "@/server/http/commandResponse";
import { isSameOrigin } from "@/server/http/requestGuards";

export const dynamic = "force-dynamic";

/**
 * `POST /api/media` (multipart, field `file`) → 201 `{id, url, width, height}`. The whole body
 * is bounded before it is read (`server/http/bodyLimit.ts` gives this path MEDIA_MAX_BYTES plus
 * room for the multipart envelope). A foreign Origin is refused; a request without one is a
 * script (browsers send Origin on every cross-site POST), as for the JSON routes.
 */
export async function POST(request: Request) {
  const origin = request.headers.get("origin");
  if (origin !== null && !isSameOrigin(origin, request.headers.get("host"))) return apiError("forbidden", "跨站请求被拒绝");
  const user = await currentUser();
  if (!user) return notSignedIn();
  if (!can(actorOf(user), "uploadMedia")) return apiError("forbidden", "没有上传图片的权限");
  let file: FormDataEntryValue | null;
  try {
    file = (await request.formData()).get("file");
  } catch {
    return apiError("bad_request", "请求体必须是 multipart/form-data，图片放在 file 字段");
  }
  if (!(file instanceof Blob)) return apiError("bad_request", "缺少 file 字段（图片文件）");
  const settings = mediaSettings();
  if (file.size > settings.MEDIA_MAX_BYTES) return apiError("payload_too_large", `图片过大：上限 ${settings.MEDIA_MAX_BYTES} 字节`);
  const result = await mediaUploader(getDb(), { actor: user, bytes: new Uint8Array(await file.arrayBuffer()), settings });
  if (!result.ok) return refusalResponse(result);
  const { id, url, width, height } = result;
  return NextResponse.json({ id, url, width, height }, { status: 201 });
}
