import { NextResponse } from "next/server";
import { getDb } from "@/db/client";
import { authorship } from "@/server/history/authorship";
import { readableArticleRoute } from "@/server/http/readableArticle";

export const dynamic = "force-dynamic";

/** `GET /api/articles/:id/authors`: client id → user, and characters written per person. */
export const GET = readableArticleRoute(async ({ params: { id } }) => NextResponse.json(await authorship(getDb(), id)));
