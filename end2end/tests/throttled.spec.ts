import { test, expect, Page, CDPSession } from "@playwright/test";
import { gotoReady, signUpLearner, ready } from "./helpers";

// A trust PC on a busy hospital network, as Chromium's DevTools protocol
// emulates it: a 4× slower CPU and a 1.6 Mbit/s link with 150 ms of
// latency. These tests assert that pages work under it; the timings they
// measure are written to the test report (and the console) for the record,
// not asserted, because a shared CI machine's speed varies.

const SLOW = { offline: false, latency: 150, downloadThroughput: 1_600_000 / 8, uploadThroughput: 750_000 / 8 };

async function throttle(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  await cdp.send("Network.emulateNetworkConditions", SLOW);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  return cdp;
}

async function unthrottle(cdp: CDPSession) {
  await cdp.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 1 });
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: false });
}

/** Waits for the page's script under throttling (slower than the helper allows), and says when it came. */
async function readySlowly(page: Page) {
  await page.waitForFunction(() => (window as any).__pacsReady === true, null, { timeout: 90_000, polling: 50 });
  return page.evaluate(() => Math.round(performance.now()));
}

/** First contentful paint and the bytes this load transferred (compressed, as sent). */
async function loadFacts(page: Page) {
  return page.evaluate(() => {
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? -1;
    const entries = [...performance.getEntriesByType("navigation"), ...performance.getEntriesByType("resource")] as PerformanceResourceTiming[];
    const byType: Record<string, number> = {};
    for (const e of entries) {
      const ext = e.name.includes(".wasm") ? "wasm" : e.name.includes(".js") ? "js" : e.name.includes(".css") ? "css" : e.entryType === "navigation" ? "html" : "other";
      byType[ext] = (byType[ext] ?? 0) + e.transferSize;
    }
    return { fcpMs: Math.round(fcp), transferredKB: Math.round(Object.values(byType).reduce((a, b) => a + b, 0) / 1024), byTypeKB: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, Math.round(v / 1024)])) };
  });
}

function record(name: string, facts: object) {
  const line = `${name}: ${JSON.stringify(facts)}`;
  test.info().annotations.push({ type: "measured", description: line });
  console.log(`measured ${line}`);
}

test("on a slow network and CPU, a module page shows its text, then its explorer works", async ({ page }) => {
  test.setTimeout(150_000);
  await throttle(page);
  await page.goto("/foundation/hl7-message-structure", { waitUntil: "commit" });
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator(".prose").first()).toContainText("MSH");
  const readyAt = await readySlowly(page);
  const block = page.locator(".prose .hl7-explorer").first();
  await block.locator('[data-path="MSH-9"]').first().hover({ position: { x: 2, y: 2 } });
  await expect(block.locator(".explorer-details")).toContainText("Message Type", { timeout: 20_000 });
  // A reading page runs the reader, not the application.
  expect(await page.evaluate(() => (window as any).__pacsHydrated === true)).toBe(false);
  record("module page, cold cache, 4x CPU, 1.6 Mbit/s, 150 ms", { ...(await loadFacts(page)), interactiveMs: readyAt });
});

test("on a slow network and CPU, an exam answer chosen before the page is live is saved and kept", async ({ page }) => {
  test.setTimeout(150_000);
  await signUpLearner(page, "Tara Throttled");
  await gotoReady(page, "/exams");
  const card = page.locator(".exam-card").filter({ hasText: "Foundation exam" });
  await card.getByRole("link", { name: "Start the exam" }).click();
  await card.getByRole("button", { name: "Start now" }).click();
  await expect(page).toHaveURL(/\/exams\/attempts\/\d+/);
  await ready(page);
  const attemptUrl = page.url().split("?")[0];

  // The candidate comes back to the paper on the slow link and answers as
  // soon as the question shows, before the page's code has arrived.
  const cdp = await throttle(page);
  await page.goto(attemptUrl, { waitUntil: "commit" });
  const options = page.locator(".exam-option input");
  await expect(options.first()).toBeVisible({ timeout: 30_000 });
  const shownAt = await page.evaluate(() => Math.round(performance.now()));
  expect(await page.evaluate(() => (window as any).__pacsHydrated === true)).toBe(false);
  await page.locator(".exam-option label").first().click();
  await expect(options.first()).toBeChecked();
  const hydratedAt = await readySlowly(page);
  await expect(options.first()).toBeChecked();
  await expect(page.locator(".exam-save-state")).toHaveText("Saved.", { timeout: 30_000 });
  record("exam attempt page, 4x CPU, 1.6 Mbit/s, 150 ms", { ...(await loadFacts(page)), questionShownMs: shownAt, hydratedMs: hydratedAt });

  // The server has it: a fresh load at full speed shows it chosen.
  await unthrottle(cdp);
  await page.reload();
  await ready(page);
  await expect(page.locator(".exam-option input").first()).toBeChecked();
});
