import Link from "next/link";
import { notFound, redirect } from "next/navigation";
import { getDb } from "../../../../db/client";
import { mayEditText } from "../../../../newsroom/workflow";
import { actorOf } from "../../../../server/articles/actorOf";
import { findArticleFacts } from "../../../../server/articles/articleFacts";
import { currentUser } from "../../../../server/auth/currentUser";
import { peopleOfRevisions, revisionView } from "../../../../server/history/revisionView";
import { listRevisions, logLength, peopleById } from "../../../../server/history/versionQueries";
import { AppHeader } from "../../../AppHeader";
import { HistoryView } from "./HistoryView";

export const dynamic = "force-dynamic";

/** "历史版本": every version, comparisons with authors, time travel, restore. */
export default async function HistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const user = await currentUser();
  const actor = user ? actorOf(user) : null;
  if (!user || !actor) redirect(`/login?next=${encodeURIComponent(`/articles/${id}/history`)}`);
  const db = getDb();
  const found = await findArticleFacts(db, id);
  if (!found) notFound();
  const revisions = await listRevisions(db, id);
  const people = await peopleById(db, peopleOfRevisions(revisions));
  const desk = actor.role === "editor" || actor.role === "admin";
  return (
    <>
      <AppHeader user={user} />
      <main className="history-page">
        <nav className="crumbs">
          <Link href={`/articles/${id}`}>← 返回稿件</Link>
        </nav>
        <h1>历史版本:{found.article.title || "(无标题)"}</h1>
        <HistoryView
          articleId={id}
          revisions={revisions.map((r) => revisionView(r, people))}
          logLength={await logLength(db, id)}
          canRestore={mayEditText(actor, found.facts)}
          canSave={desk || mayEditText(actor, found.facts)}
        />
      </main>
    </>
  );
}
