/**
 * A token bucket: up to `burst` actions at once, refilled at `perSecond`. Pure (the clock is
 * passed in), so the rate limits built on it are unit-tested without waiting.
 */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.refilledAt = now;
  }

  /**
   * Takes `cost` tokens (one action, or its size in bytes) if there are that many; false means
   * the caller is over its rate and nothing was taken.
   */
  take(now: number, cost = 1): boolean {
    const elapsedSeconds = Math.max(0, now - this.refilledAt) / 1000;
    this.tokens = Math.min(this.burst, this.tokens + elapsedSeconds * this.perSecond);
    this.refilledAt = now;
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /** Whether the bucket has refilled completely by `now` (an idle account's can be forgotten). */
  isFull(now: number): boolean {
    return this.tokens + (Math.max(0, now - this.refilledAt) / 1000) * this.perSecond >= this.burst;
  }
}
