import "server-only";
import { TokenBucket } from "../../newsroom/tokenBucket";
import { now as clockNow } from "../clock";

/**
 * What one socket, and one account across all its sockets, may make the server do (issue 10).
 * Every budget is a token bucket: the setting is the sustained rate, and twice that may come
 * at once, so a paste or a reconnect's catch-up never trips it. Values come from `server/env.ts`.
 */
export interface SocketBudgetLimits {
  /** Sync update / step-2 messages per second, per connection. */
  updatesPerSecond: number;
  /** Bytes of those messages per second, per connection. */
  updateBytesPerSecond: number;
  /** The same two, per account across all its sockets in this process. */
  accountUpdatesPerSecond: number;
  accountUpdateBytesPerSecond: number;
  /** Yjs client ids an account may bring into stories per minute. */
  newClientIdsPerMinute: number;
  /** Bytes of structs and deletes that cannot be applied yet, per connection and per story. */
  maxPendingBytes: number;
  /** Updates one connection may keep waiting for content the story does not have yet. */
  maxParkedUpdates: number;
  /** Query-awareness messages per second, per connection (each answer encodes everyone's presence). */
  awarenessQueriesPerSecond: number;
  /** Presence (awareness) updates per second, per connection: each is relayed to every reader of the story. */
  awarenessUpdatesPerSecond: number;
  /** Largest awareness state (caret, selection, name), in bytes of JSON. */
  maxAwarenessStateBytes: number;
  /** Most items the stretched-suggestion check walks for one update; unbounded when left out. */
  maxStretchWalk?: number;
}

/** A socket went past one of its budgets: it is closed with 4429 and the message names which. */
export class OverBudget extends Error {}

/** An account's shared buckets; forgotten once idle long enough to have refilled. */
class AccountBudget {
  readonly updates: TokenBucket;
  readonly bytes: TokenBucket;
  readonly newClientIds: TokenBucket;

  constructor(limits: SocketBudgetLimits, now: number) {
    this.updates = new TokenBucket(2 * limits.accountUpdatesPerSecond, limits.accountUpdatesPerSecond, now);
    this.bytes = new TokenBucket(2 * limits.accountUpdateBytesPerSecond, limits.accountUpdateBytesPerSecond, now);
    // "Per minute" is its own burst: a minute's worth at once, then the sustained rate.
    this.newClientIds = new TokenBucket(limits.newClientIdsPerMinute, limits.newClientIdsPerMinute / 60, now);
  }

  isIdle(now: number): boolean {
    return this.updates.isFull(now) && this.bytes.isFull(now) && this.newClientIds.isFull(now);
  }
}

/** The per-account budgets of one process, keyed by user id. */
export class AccountBudgets {
  private readonly accounts = new Map<string, AccountBudget>();

  constructor(readonly limits: SocketBudgetLimits) {}

  /** The budgets a new socket of `userId` draws on, together with the account's other sockets. */
  forConnection(userId: string, now = clockNow()): ConnectionBudget {
    let account = this.accounts.get(userId);
    if (!account) this.accounts.set(userId, (account = new AccountBudget(this.limits, now)));
    return new ConnectionBudget(this.limits, account, now);
  }

  /** Drops accounts whose buckets are full again: reconnecting cannot reset a bucket in use. */
  forgetIdle(now = clockNow()): void {
    for (const [userId, account] of this.accounts) if (account.isIdle(now)) this.accounts.delete(userId);
  }
}

/** One socket's budgets, drawing on its account's as well. */
export class ConnectionBudget {
  private readonly updates: TokenBucket;
  private readonly bytes: TokenBucket;
  private readonly awarenessQueries: TokenBucket;
  private readonly awarenessUpdates: TokenBucket;

  constructor(
    readonly limits: SocketBudgetLimits,
    private readonly account: AccountBudget,
    now: number,
  ) {
    this.updates = new TokenBucket(2 * limits.updatesPerSecond, limits.updatesPerSecond, now);
    this.bytes = new TokenBucket(2 * limits.updateBytesPerSecond, limits.updateBytesPerSecond, now);
    this.awarenessQueries = new TokenBucket(2 * limits.awarenessQueriesPerSecond, limits.awarenessQueriesPerSecond, now);
    this.awarenessUpdates = new TokenBucket(2 * limits.awarenessUpdatesPerSecond, limits.awarenessUpdatesPerSecond, now);
  }

  /** One sync update or step 2 of `bytes` bytes, before it is decoded. */
  chargeUpdate(bytes: number, now = clockNow()): void {
    if (!this.updates.take(now)) throw new OverBudget("over COLLAB_MAX_UPDATES_PER_SECOND");
    if (!this.bytes.take(now, bytes)) throw new OverBudget("over COLLAB_MAX_UPDATE_BYTES_PER_SECOND");
    if (!this.account.updates.take(now)) throw new OverBudget("over COLLAB_ACCOUNT_UPDATES_PER_SECOND");
    if (!this.account.bytes.take(now, bytes)) throw new OverBudget("over COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND");
  }

  /**
   * A parked update decoded and checked again once what it waited for arrived: the same work
   * as a new message of that size, so it draws on the same bytes budgets.
   */
  chargeRetry(bytes: number, now = clockNow()): void {
    if (!this.bytes.take(now, bytes)) throw new OverBudget("over COLLAB_MAX_UPDATE_BYTES_PER_SECOND (updates retried)");
    if (!this.account.bytes.take(now, bytes)) throw new OverBudget("over COLLAB_ACCOUNT_UPDATE_BYTES_PER_SECOND (updates retried)");
  }

  /** Yjs client ids this account has not written under before in the story. */
  chargeNewClientIds(count: number, now = clockNow()): void {
    if (count > 0 && !this.account.newClientIds.take(now, count)) throw new OverBudget("over COLLAB_MAX_NEW_CLIENT_IDS_PER_MINUTE");
  }

  chargeAwarenessQuery(now = clockNow()): void {
    if (!this.awarenessQueries.take(now)) throw new OverBudget("over COLLAB_MAX_AWARENESS_QUERIES_PER_SECOND");
  }

  /** One presence update of the sender's own presence: the server relays each to everyone in the story. */
  chargeAwarenessUpdate(now = clockNow()): void {
    if (!this.awarenessUpdates.take(now)) throw new OverBudget("over COLLAB_MAX_AWARENESS_UPDATES_PER_SECOND");
  }
}
