/** Polls `fn` every 20 ms until it returns something truthy, or fails after `ms`. */
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  ms = 10_000,
  what = 'the condition',
): Promise<NonNullable<T>> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
