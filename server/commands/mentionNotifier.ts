import "server-only";
import type { Db } from "../../db/client";
import type { User } from "../../db/schema";
import { can } from "../../newsroom/policy";
import { actorOf } from "../auth/actorOf";
import { findArticleFacts } from "../articles/articleFacts";
import { notificationWriter } from "../notifications/notificationWriter";

export interface MentionNotifierProps {
  actor: User;
  articleId: string;
  /** User ids the comment @mentions. */
  mentions: readonly string[];
  /** The enabled accounts the mentions were found among. */
  people: readonly User[];
}

/**
 * Tells the people a comment @mentions (inside the comment's transaction). Only those who may
 * take part in the story's review are told: a mention must not hand an outsider the title of a
 * story they cannot open. Returns who was told, to announce once the transaction commits.
 */
export async function notifyMentioned(tx: Db, { actor, articleId, mentions, people }: MentionNotifierProps): Promise<string[]> {
  if (mentions.length === 0) return [];
  const found = await findArticleFacts(tx, articleId);
  if (!found) return [];
  const byId = new Map(people.map((person) => [person.id, person]));
  const told = mentions.filter((id) => {
    const person = byId.get(id);
    return person !== undefined && can(actorOf(person), "comment", found.facts);
  });
  return notificationWriter(tx, {
    kind: "mentioned",
    articleId,
    title: found.article.title,
    actor,
    audiences: [{ userIds: told }],
  });
}
