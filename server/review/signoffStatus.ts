import "server-only";
import type { Db } from "../../db/client";
import type { ArticleSignoff } from "../../db/schema";
import type { Actor, ArticleAccessFacts } from "../../newsroom/actor";
import type { Person } from "../../newsroom/person";
import { levelStandings, levelToSign, type ReviewLevelSetting } from "../../newsroom/reviewLevels";
import { captureContent } from "../articles/storyContent";
import { liveAccess } from "../collab/liveAccess";
import { peopleById } from "../history/versionQueries";
import { reviewLevelSetting, signerRoster, storySignoffs, submissionCycleStart } from "./reviewLevelSetting";

/** A sign-off as the review panel and the API show it. */
export interface SignoffView {
  id: number;
  level: string;
  signer: Person | null;
  signedAt: string;
  contentHash: string;
  revisionId: number;
  byApproval: boolean;
}

/** One level for the panel: who may sign it, the sign-off that counts, or the one that went stale. */
export interface LevelView {
  position: number;
  name: string;
  /** "editors": any editor; else the people listed. */
  signers: "editors" | Person[];
  status: "signed" | "stale" | "unsigned";
  signoff: SignoffView | null;
}

export interface SignoffStatus {
  /** The hash of the committed text the levels are judged against (null under the default: not read). */
  contentHash: string | null;
  /** Nothing configured: one level, signed by 签发 itself. */
  isDefault: boolean;
  levels: LevelView[];
  /** The level the asking person may sign now, if any (the panel's 签署 button). */
  canSign: string | null;
  /** The asking person's sign-offs that no longer count (自签署以来的修改). */
  mineStale: SignoffView[];
  /** Every sign-off, oldest first (they stay in history when they stop counting). */
  history: SignoffView[];
}

/**
 * Under the default the levels are not judged against the text (签发 signs), so nothing is
 * flushed or captured: the one level and the 签发 records, nothing to sign.
 */
async function defaultStatus(db: Db, setting: ReviewLevelSetting, signoffs: readonly ArticleSignoff[]): Promise<SignoffStatus> {
  const people = await peopleById(db, signoffs.map((s) => s.signerId));
  return {
    contentHash: null,
    isDefault: true,
    levels: setting.levels.map((level, i) => ({ position: i + 1, name: level.name, signers: "editors", status: "unsigned", signoff: null })),
    canSign: null,
    mineStale: [],
    history: signoffs.map((s) => signoffView(s, people)),
  };
}

function signoffView(s: ArticleSignoff, people: Map<string, Person>): SignoffView {
  return {
    id: s.id,
    level: s.levelName,
    signer: people.get(s.signerId) ?? null,
    signedAt: s.createdAt.toISOString(),
    contentHash: s.contentHash,
    revisionId: s.revisionId,
    byApproval: s.byApproval,
  };
}

/** The review levels of one story as `actor` sees them, against its committed text. */
export async function signoffStatus(db: Db, articleId: string, actor: Actor, facts: ArticleAccessFacts): Promise<SignoffStatus> {
  const setting = await reviewLevelSetting(db);
  const signoffs = await storySignoffs(db, articleId);
  // Under the default 签发 itself signs: nothing to judge against the live text, so no flush.
  if (setting.isDefault) return defaultStatus(db, setting, signoffs);
  await liveAccess().flush(articleId); // the text as typed so far
  const [content, cycleStart, roster] = await Promise.all([
    captureContent(db, articleId),
    submissionCycleStart(db, articleId),
    signerRoster(db, setting, signoffs),
  ]);
  const listed = setting.levels.flatMap((l) => l.signerIds);
  const people = await peopleById(db, [...listed, ...signoffs.map((s) => s.signerId)]);
  const view = (s: ArticleSignoff) => signoffView(s, people);
  const standings = levelStandings(setting, signoffs, content.contentHash, roster);
  const attempt = { actor, state: facts.state, setting, signoffs, currentHash: content.contentHash, roster, cycleStart };
  const next = levelToSign(attempt);
  return {
    contentHash: content.contentHash,
    isDefault: setting.isDefault,
    levels: standings.map(({ level, position, signed, stale }) => ({
      position,
      name: level.name,
      signers: level.anyEditor ? "editors" : level.signerIds.flatMap((id) => people.get(id) ?? []),
      status: signed ? "signed" : stale ? "stale" : "unsigned",
      signoff: signed ? view(signed) : stale ? view(stale) : null,
    })),
    canSign: next?.name ?? null,
    mineStale: standings.flatMap(({ stale }) => (stale && stale.signerId === actor.id ? [view(stale)] : [])),
    history: signoffs.map(view),
  };
}
