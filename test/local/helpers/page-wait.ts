/**
 * Waiting on a page in real Chromium from jest (playwright-core has no `expect`): each helper polls until the page
 * shows what is expected, or fails with what it showed last.
 */
import type { Locator } from 'playwright-core';

export async function eventually<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await read();
      lastError = undefined;
      if (ok(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > until) {
      const seen = lastError ? `error: ${(lastError as Error).message}` : JSON.stringify(last)?.slice(0, 2000);
      throw new Error(`timed out waiting for ${what}; last seen: ${seen}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

const textOf = async (locator: Locator): Promise<string> => (await locator.allInnerTexts()).join('\n');

/** The text of every element the locator matches, once it includes `expected`. */
export function seeText(locator: Locator, expected: string | RegExp, timeoutMs?: number): Promise<string> {
  const has = (text: string) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text));
  return eventually(`${String(locator)} to show ${String(expected)}`, () => textOf(locator), has, timeoutMs);
}

export function seeNoText(locator: Locator, unexpected: string, timeoutMs?: number): Promise<string> {
  return eventually(`${String(locator)} not to show ${unexpected}`, () => textOf(locator), (text) => !text.includes(unexpected), timeoutMs);
}

export function seeCount(locator: Locator, count: number, timeoutMs?: number): Promise<number> {
  return eventually(`${String(locator)} to match ${count} elements`, () => locator.count(), (n) => n === count, timeoutMs);
}

export function seeValue(locator: Locator, ok: (value: string) => boolean, timeoutMs?: number): Promise<string> {
  return eventually(`${String(locator)} value`, () => locator.inputValue(), ok, timeoutMs);
}
