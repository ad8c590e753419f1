/**
 * Failed sign-ins counted per key (an account, an address) over a sliding window: past the limit,
 * further tries are refused until the oldest failure leaves the window. In memory: a restart
 * forgets, which costs a guesser a restart of our process they cannot cause.
 */
export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may now. */
  retryAfter(key: string, now = Date.now()): number {
    const list = this.prune(key, now);
    return list.length < this.limit ? 0 : list[0]! + this.windowMs - now;
  }

  fail(key: string, now = Date.now()): void {
    const list = this.prune(key, now);
    list.push(now);
    this.failures.set(key, list);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  private prune(key: string, now: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }
}
