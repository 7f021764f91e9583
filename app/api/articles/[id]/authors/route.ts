import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { authorship } from "@/server/history/authorship";
import { readableArticle } from "@/server/http/readableArticle";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/authors`: client id → user, and characters written per person. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const access = await readableArticle(id);
  if ("error" in access) return access.error;
  return NextResponse.json(await authorship(getDb(), id));
}
