import { getDb } from "@/db/client";
import { renderAtomFeed } from "@/newsroom/atomFeed";
import { publicOrigin } from "@/server/http/publicOrigin";
import { listPublished } from "@/server/publication/publishedList";

export const dynamic = "force-dynamic";

/** `GET /news/feed.xml`: Atom feed of published stories, linked under PUBLIC_URL. */
export async function GET() {
  const site = publicOrigin();
  const entries = (await listPublished(getDb())).map((e) => ({ ...e, url: `${site}/news/${e.slug}` }));
  return new Response(renderAtomFeed(site, entries), {
    headers: { "content-type": "application/atom+xml; charset=utf-8" },
  });
}
