import { Page, expect } from "@playwright/test";

/** Waits until the WASM bundle has hydrated the page. */
export async function hydrated(page: Page) {
  await page.waitForFunction(() => (window as any).__pacsHydrated === true, null, { timeout: 15_000 });
}

export async function gotoHydrated(page: Page, path: string) {
  const response = await page.goto(path);
  await hydrated(page);
  return response;
}

/** The first modules of each course, read from the course page itself. */
export async function moduleLinks(page: Page, level: "foundation" | "intermediate") {
  await page.goto(`/${level}`);
  const links = page.locator(".module-list h2 a");
  await expect(links.first()).toBeVisible();
  return links.evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href")!, title: a.textContent!.trim() })));
}
