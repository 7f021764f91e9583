import { getDb } from "@/db/client";
import { currentSessionTimes } from "@/server/auth/currentSession";
import { commentableArticle } from "@/server/http/commentableArticle";
import { commentStreamResponse } from "@/server/review/commentStream";
import { mayStillFollowStory } from "@/server/review/streamAccess";

export const dynamic = "force-dynamic";

/**
 * `GET /api/articles/:id/comments/stream`: server-sent events when the story's comments
 * (`changed`) or its review standing (`review`: sign-offs, overrides, state) change. Access is
 * checked again while it is open; losing it closes the stream.
 */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await commentableArticle(id);
  if ("error" in access) return access.error;
  const holder = { userId: access.user.id, ...(await currentSessionTimes()), articleId: id };
  return commentStreamResponse(holder, { signal: request.signal, stillAllowed: () => mayStillFollowStory(getDb(), holder) });
}
