/** Polls `check` every 25 ms until it holds; fails naming `what` once `budgetMs` has passed. */
export async function waitFor(what: string, check: () => boolean, budgetMs = 15_000): Promise<void> {
  const until = Date.now() + budgetMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
