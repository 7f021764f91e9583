import { isDesk, type Actor } from "./actor";
import type { ArticleState } from "./articleStates";

/**
 * Review levels (三审, issue 14): the newsroom lists its levels in order and who may sign each;
 * every sign-off is pinned to the content hash it signed. Pure rules, shared by the server (which
 * enforces them under the story's row lock) and the review panel (which shows them).
 */

/** One level as the newsroom configured it. */
export interface ReviewLevel {
  name: string;
  /** Any editor may sign it (the default level); otherwise only `signerIds`. */
  anyEditor: boolean;
  signerIds: readonly string[];
}

/** The newsroom's setting. `isDefault`: nothing configured, the editor's 签发 is the sign-off. */
export interface ReviewLevelSetting {
  levels: readonly ReviewLevel[];
  isDefault: boolean;
}

/** Name of the single default level, signed by 签发 itself. */
export const DEFAULT_LEVEL_NAME = "签发";

/** What a newsroom that configured nothing has: one level, any editor, signed by approving. */
export const DEFAULT_REVIEW_LEVELS: ReviewLevelSetting = {
  levels: [{ name: DEFAULT_LEVEL_NAME, anyEditor: true, signerIds: [] }],
  isDefault: true,
};

/** A sign-off as the rules need it. */
export interface SignoffFacts {
  id: number;
  levelName: string;
  signerId: string;
  contentHash: string;
  /** Written by 签发 under the default level, not by a sign-off request. */
  byApproval: boolean;
  /** The sign-off's entry in the story's audit chain (orders it against the last 提交). */
  auditEntryId: number | null;
}

/**
 * The accounts that may still sign, by id: enabled, with their current role. A sign-off counts
 * only while its signer is in here and may still sign its level.
 */
export type SignerRoster = ReadonlyMap<string, Actor>;

/**
 * Whether `signoff` still counts for `level`: its signer is still enabled, still on the desk and
 * still listed for the level; a row written by 签发 counts only under the default setting (it
 * never stands for a configured level that happens to be named “签发”).
 */
export function signoffCounts(setting: ReviewLevelSetting, level: ReviewLevel, signoff: SignoffFacts, roster: SignerRoster): boolean {
  if (signoff.levelName !== level.name) return false;
  if (signoff.byApproval !== setting.isDefault) return false;
  const signer = roster.get(signoff.signerId);
  return signer !== undefined && maySignLevel(signer, level);
}

/** One level's standing against the story's current hash. */
export interface LevelStanding<S extends SignoffFacts = SignoffFacts> {
  level: ReviewLevel;
  /** 1-based place in the order. */
  position: number;
  /** The sign-off that counts (signed on the current hash), if any. */
  signed: S | null;
  /** The newest sign-off of this level on another text (需重新签), when none counts. */
  stale: S | null;
}

/**
 * Each level with the sign-off that counts for `currentHash` (the first on that hash) and,
 * when none does, the newest one on an older text. `signoffs` in the order they were made.
 */
export function levelStandings<S extends SignoffFacts>(
  setting: ReviewLevelSetting,
  signoffs: readonly S[],
  currentHash: string,
  roster: SignerRoster,
): LevelStanding<S>[] {
  return setting.levels.map((level, i) => {
    const mine = signoffs.filter((s) => signoffCounts(setting, level, s, roster));
    const signed = mine.find((s) => s.contentHash === currentHash) ?? null;
    const stale = signed ? null : (mine.at(-1) ?? null);
    return { level, position: i + 1, signed, stale };
  });
}

/** Levels not signed on the current hash (what keeps 签发 back). The default level never is: 签发 signs it. */
export function missingLevels(
  setting: ReviewLevelSetting,
  signoffs: readonly SignoffFacts[],
  currentHash: string,
  roster: SignerRoster,
): ReviewLevel[] {
  if (setting.isDefault) return [];
  return levelStandings(setting, signoffs, currentHash, roster)
    .filter((standing) => standing.signed === null)
    .map((standing) => standing.level);
}

/** Whether `actor` is one of the people who may sign `level` (the desk only). */
export function maySignLevel(actor: Actor, level: ReviewLevel): boolean {
  return isDesk(actor) && (level.anyEditor || level.signerIds.includes(actor.id));
}

/** Why a sign-off is refused: the HTTP status, a stable reason and what the person is told. */
export interface SignoffRefusal {
  status: 400 | 403 | 409;
  reason:
    | "not_desk"
    | "not_submitted"
    | "default_level"
    | "unknown_level"
    | "not_a_signer"
    | "already_signed"
    | "signed_other_level"
    | "out_of_order";
  message: string;
}

export interface SignoffAttempt {
  actor: Actor;
  state: ArticleState;
  levelName: string;
  setting: ReviewLevelSetting;
  /** Every sign-off of the story so far, in the order they were made. */
  signoffs: readonly SignoffFacts[];
  currentHash: string;
  roster: SignerRoster;
  /**
   * Id of the audit entry of the story's latest 提交 (0: never submitted): the current
   * submission cycle is what came after it.
   */
  cycleStart: number;
}

/**
 * Whether `actor` may sign `levelName` of the story now, or why not: only the desk, only a
 * submitted story (待审), never the default level (签发 itself signs it, naming the approver),
 * only a listed signer, a level not already signed on this text, never a second configured level
 * by one person within the current submission cycle (on any text), and in order: every earlier
 * level signed on the current hash. The one place this permission is decided.
 */
export function signoffRefusal({ actor, state, levelName, setting, signoffs, currentHash, roster, cycleStart }: SignoffAttempt): SignoffRefusal | null {
  if (!isDesk(actor)) return { status: 403, reason: "not_desk", message: "只有编辑可以签署审稿" };
  if (state !== "submitted") return { status: 409, reason: "not_submitted", message: "只有待审的稿件可以签署" };
  if (setting.isDefault) return { status: 409, reason: "default_level", message: "本社未设置审级，签发即为签署" };
  const index = setting.levels.findIndex((level) => level.name === levelName);
  if (index < 0) return { status: 400, reason: "unknown_level", message: `没有“${levelName}”这一审级` };
  const level = setting.levels[index];
  if (!maySignLevel(actor, level)) return { status: 403, reason: "not_a_signer", message: `你不在“${level.name}”的签署人之列` };
  const standings = levelStandings(setting, signoffs, currentHash, roster);
  if (standings[index].signed) return { status: 409, reason: "already_signed", message: `“${level.name}”已在当前内容上签署` };
  const configured = new Set(setting.levels.map((l) => l.name));
  const other = signoffs.find(
    (s) =>
      s.signerId === actor.id &&
      s.levelName !== level.name &&
      !s.byApproval &&
      configured.has(s.levelName) &&
      (s.auditEntryId ?? 0) > cycleStart,
  );
  if (other) {
    return { status: 409, reason: "signed_other_level", message: `你已签署本稿的“${other.levelName}”，同一人不能签署两个审级` };
  }
  const earlier = standings.slice(0, index).filter((s) => s.signed === null);
  if (earlier.length > 0) {
    return { status: 409, reason: "out_of_order", message: `须先完成${earlier.map((s) => `“${s.level.name}”`).join("、")}` };
  }
  return null;
}

/** The first level `actor` could sign now, if any (what the panel offers a 签署 button for). */
export function levelToSign(attempt: Omit<SignoffAttempt, "levelName">): ReviewLevel | null {
  return attempt.setting.levels.find((level) => signoffRefusal({ ...attempt, levelName: level.name }) === null) ?? null;
}

/** The first 12 hex digits of a content hash, as the panel and the public page show it. */
export function shortHash(hash: string): string {
  return hash.slice(0, 12);
}
