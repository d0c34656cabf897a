import { test, expect } from "@playwright/test";
import { gotoHydrated, moduleLinks } from "./helpers";

test("at 360 px nothing scrolls sideways and the contents come before the lesson", async ({ page }) => {
  const modules = [...(await moduleLinks(page, "foundation")), ...(await moduleLinks(page, "intermediate"))];
  for (const path of ["/", "/foundation", "/intermediate", ...modules.map((m) => m.href), "/nope/x/y"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await gotoHydrated(page, modules[0].href);
  const tocTop = await page.locator(".toc").evaluate((el) => el.getBoundingClientRect().top);
  const proseTop = await page.locator(".prose").evaluate((el) => el.getBoundingClientRect().top);
  expect(tocTop).toBeLessThan(proseTop);
});
