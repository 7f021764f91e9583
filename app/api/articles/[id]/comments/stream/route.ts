import { commentableArticle } from "@/server/http/commentableArticle";
import { commentStreamResponse } from "@/server/review/commentStream";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/comments/stream`: server-sent events when the story's comments change. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await commentableArticle(id);
  if ("error" in access) return access.error;
  return commentStreamResponse(access.user.id, id, request.signal);
}
