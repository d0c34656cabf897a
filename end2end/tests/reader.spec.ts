import { test, expect, Page } from "@playwright/test";
import { gotoReady, ready, moduleLinks } from "./helpers";
import * as fs from "fs";
import * as path from "path";

test("home → Foundation → first module → next module, routed in the browser", async ({ page }) => {
  await gotoReady(page, "/");
  await expect(page.getByRole("heading", { level: 1 })).toContainText("language your imaging systems speak");
  // The home page says what the site offers beyond the courses, each with its link.
  const offer = page.getByRole("region", { name: "More than reading" });
  for (const [name, href] of [
    ["HL7 lab", "/hl7"],
    ["DICOM lab", "/dicom"],
    ["Graded exercises", "/exercises"],
    ["Timed exams", "/exams"],
    ["Certificates", "/verify"],
  ]) {
    await expect(offer.getByRole("link", { name, exact: true })).toHaveAttribute("href", href);
  }
  // A marker that survives only client-side navigation: proves hydration and routing work.
  await page.evaluate(() => ((window as any).__stillSamePage = true));

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Foundation" }).click();
  await expect(page).toHaveURL(/\/foundation$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Foundation course");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Foundation" })).toHaveAttribute("aria-current", "page");
  const modules = page.locator(".module-list > li");
  expect(await modules.count()).toBeGreaterThanOrEqual(6);
  const numbers = await page.locator(".module-number").allTextContents();
  expect(numbers.slice(0, 3)).toEqual(["Module 1", "Module 2", "Module 3"]);

  const first = page.locator(".module-list h2 a").first();
  const firstTitle = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(firstTitle);
  await expect(page.locator(".kicker")).toContainText("Module 1 of");
  await expect(page.getByRole("heading", { name: "By the end of this module you can" })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "Breadcrumb" })).toContainText("Foundation course");
  await expect(page.locator(".meta").first()).toContainText("min read");
  // Module 1 has no previous module.
  await expect(page.getByRole("link", { name: /Previous module/ })).toHaveCount(0);

  const next = page.getByRole("link", { name: /Next module/ });
  const nextTitle = (await next.locator(".pager-title").textContent())!.trim();
  await next.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(nextTitle);
  await expect(page.locator(".kicker")).toContainText("Module 2 of");
  await expect(page.getByRole("link", { name: /Previous module/ })).toContainText(firstTitle);
  expect(await page.evaluate(() => (window as any).__stillSamePage)).toBe(true);
  await expect(page).toHaveTitle(`${nextTitle} · PACS Academy`);
});

/** Everything one load of `path` transfers, compressed as sent, with the cache off. */
async function coldLoad(page: Page, path: string) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  const urls: string[] = [];
  let bytes = 0;
  cdp.on("Network.responseReceived", (e: any) => urls.push(new URL(e.response.url).pathname));
  cdp.on("Network.loadingFinished", (e: any) => (bytes += e.encodedDataLength));
  await gotoReady(page, path);
  await page.waitForLoadState("networkidle");
  await cdp.detach();
  return { urls, kb: Math.round(bytes / 1024) };
}

test("a reading page loads the small reader, no lab or exam code, within 350 KB", async ({ page }) => {
  for (const path of ["/", "/foundation", "/foundation/hl7-message-structure", "/intermediate/no-such-module"]) {
    const { urls, kb } = await coldLoad(page, path);
    test.info().annotations.push({ type: "measured", description: `${path}: ${kb} KB on a cold cache` });
    expect(urls.some((u) => /^\/pkg\/reader\.[\w-]+\.wasm$/.test(u)), `${path} loads the reader: ${urls}`).toBe(true);
    expect(urls.filter((u) => u.startsWith("/pkg/pacs-academy") && !u.endsWith(".css")), `${path}: ${urls}`).toEqual([]);
    expect(kb, `${path} transferred ${kb} KB`).toBeLessThanOrEqual(350);
    expect(await page.evaluate(() => (window as any).__pacsHydrated === true)).toBe(false);
  }
  // The explorers in a module body work with the reader alone.
  await page.goto("/foundation/hl7-message-structure");
  await page.waitForFunction(() => (window as any).__pacsReady === true);
  const block = page.locator(".prose .hl7-explorer").first();
  await block.locator('[data-path="MSH-9"]').first().hover({ position: { x: 2, y: 2 } });
  await expect(block.locator(".explorer-details")).toContainText("Message Type");
});

test("a lab page loads the application and works", async ({ page }) => {
  const { urls, kb } = await coldLoad(page, "/hl7");
  test.info().annotations.push({ type: "measured", description: `/hl7: ${kb} KB on a cold cache` });
  expect(urls.some((u) => /^\/pkg\/pacs-academy\.[\w-]+\.wasm$/.test(u)), `${urls}`).toBe(true);
  expect(await page.evaluate(() => (window as any).__pacsHydrated === true)).toBe(true);
  const explorer = page.locator("#lab-example");
  await explorer.locator('[data-path="PID-8"]').hover();
  await expect(explorer.locator(".explorer-details")).toContainText("Administrative Sex");
});

test("Back and Forward between reading pages swap them in place and keep the scroll position", async ({ page }) => {
  const [first, second] = await moduleLinks(page, "foundation");
  await gotoReady(page, first.href);
  await page.evaluate(() => ((window as any).__stillSamePage = true));
  // Read to the end of the lesson, where the pager is, and follow it.
  const next = page.getByRole("link", { name: /Next module/ });
  await next.evaluate((el) => el.scrollIntoView({ block: "center", behavior: "instant" }));
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(400);
  await next.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(second.title);
  await expect(page).toHaveURL(new RegExp(`${second.href}$`));
  await expect(page).toHaveTitle(`${second.title} · PACS Academy`);
  // Focus starts on the new page's main content, at the top.
  await expect(page.locator("main")).toBeFocused();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await page.goBack();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(first.title);
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBe(scrolled);
  await page.goForward();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(second.title);
  expect(await page.evaluate(() => (window as any).__stillSamePage)).toBe(true);
  // A link to a lab is an ordinary page load into the application.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "HL7 lab" }).click();
  await expect(page).toHaveURL(/\/hl7$/);
  await page.waitForFunction(() => (window as any).__pacsHydrated === true);
  expect(await page.evaluate(() => (window as any).__stillSamePage)).toBeUndefined();
});

test("every table-of-contents link points at a heading on the page, and jumps to it", async ({ page }) => {
  const [, second] = await moduleLinks(page, "foundation");
  await gotoReady(page, second.href);
  const toc = page.getByRole("navigation", { name: "On this page" });
  const hrefs = await toc.locator("a").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
  expect(hrefs.length).toBeGreaterThan(4);
  for (const href of hrefs) {
    expect(href.startsWith("#")).toBe(true);
    await expect(page.locator(`[id="${href.slice(1)}"]`)).toHaveCount(1);
  }
  // The self-check section is in the contents of every module.
  expect(hrefs).toContain("#self-check");
  await toc.getByRole("link", { name: "Self-check" }).click();
  await expect(page).toHaveURL(/#self-check$/);
  await expect(page.locator("#self-check")).toBeInViewport();
});

test("module pages render tables, footnotes, code blocks and self-check answers", async ({ page }) => {
  const modules = await moduleLinks(page, "foundation");
  await gotoReady(page, modules[1].href); // HL7 message structure
  const prose = page.locator(".prose");
  await expect(prose.locator(".table-wrap table").first()).toBeVisible();
  await expect(prose.locator("figure.code-hl7 figcaption").first()).toHaveText("HL7 v2 message");
  await expect(prose.locator("figure.code-hl7 .hl7-seg").first()).toHaveText("MSH");
  const ref = prose.locator(".footnote-ref a").first();
  const target = (await ref.getAttribute("href"))!;
  await expect(page.locator(target)).toHaveCount(1);
  const details = prose.locator("details").first();
  await expect(details.locator("p")).toBeHidden();
  await details.locator("summary").click();
  await expect(details.locator("p").first()).toBeVisible();
});

test("unknown pages answer 404 with a helpful page", async ({ page }) => {
  for (const p of ["/foundation/no-such-module", "/advanced", "/a/b/c"]) {
    const res = await page.goto(p);
    expect(res!.status(), p).toBe(404);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Page not found");
    await expect(page.getByRole("link", { name: "Go to the home page" })).toBeVisible();
  }
});

test("keyboard: the skip link is first and moves focus to the main content", async ({ page }) => {
  await gotoReady(page, "/foundation");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/#main$/);
  // The next Tab lands inside main, not back in the header.
  await page.keyboard.press("Tab");
  const inMain = await page.evaluate(() => !!document.activeElement?.closest("main"));
  expect(inMain).toBe(true);
});

test("keyboard: a learner can reach and open a module with Tab and Enter", async ({ page }) => {
  await gotoReady(page, "/foundation");
  const first = page.locator(".module-list h2 a").first();
  const title = (await first.textContent())!.trim();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press("Tab");
    if (await first.evaluate((el) => el === document.activeElement)) break;
  }
  await expect(first).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
});

test("a saved change to a module file shows on the next load, without a restart", async ({ page }) => {
  const dir = process.env.PACS_CONTENT_DIR;
  test.skip(!dir, "PACS_CONTENT_DIR not set: scripts/test sets it to the served copy of the content");
  const file = path.join(dir!, "intermediate", "99-live-edit-check.md");
  const stamp = `Live edit ${Date.now()}`;
  const write = (body: string) =>
    fs.writeFileSync(
      file,
      `+++\ntitle = "${stamp}"\nslug = "live-edit-check"\nlevel = "intermediate"\norder = 99\nminutes = 5\nsummary = "Checks that edits show without a restart."\nobjectives = ["See a change"]\n+++\n\n## First heading\n\n${body}\n`,
    );
  try {
    write("Version one of the text.");
    await page.goto("/intermediate/live-edit-check");
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(stamp);
    await expect(page.locator(".prose")).toContainText("Version one of the text.");
    write("Version two, saved while the server runs.");
    await page.reload();
    await expect(page.locator(".prose")).toContainText("Version two, saved while the server runs.");
    await page.goto("/intermediate");
    await expect(page.getByRole("link", { name: stamp })).toBeVisible();
  } finally {
    fs.rmSync(file, { force: true });
  }
  const gone = await page.goto("/intermediate/live-edit-check");
  expect(gone!.status()).toBe(404);
});

test("responses carry security and caching headers", async ({ request, page }) => {
  const res = await request.get("/foundation");
  const h = res.headers();
  expect(h["content-security-policy"]).toContain("frame-ancestors 'none'");
  // Inline scripts never run by 'unsafe-inline': a kept reading page (the
  // same bytes for every signed-out visitor) admits its own by hash, a page
  // rendered for this request by its nonce.
  const scriptSrc = (res: typeof h) => res["content-security-policy"].split(";").map((d) => d.trim()).find((d) => d.startsWith("script-src"))!;
  expect(scriptSrc(h)).not.toContain("'unsafe-inline'");
  expect(scriptSrc(h)).toMatch(/'sha256-[A-Za-z0-9+/=]{44}'/);
  expect(scriptSrc(h)).not.toContain("'nonce-");
  const signIn = (await request.get("/signin")).headers();
  expect(scriptSrc(signIn)).not.toContain("'unsafe-inline'");
  expect(scriptSrc(signIn)).toMatch(/'nonce-[A-Za-z0-9+/=_-]{16,}'/);
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["cache-control"]).toBe("no-cache");
  // Hashed bundle files are cached for a year.
  await page.goto("/");
  const css = await page.locator('link[rel="stylesheet"]').first().getAttribute("href");
  expect(css).toMatch(/^\/pkg\/pacs-academy\.[A-Za-z0-9_-]+\.css$/);
  const asset = await request.get(css!, { headers: { "accept-encoding": "gzip" } });
  expect(asset.status()).toBe(200);
  expect(asset.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(asset.headers()["content-encoding"]).toBe("gzip");
  // Sent as the build compressed it, brotli where the browser takes it.
  const br = await request.get(css!, { headers: { "accept-encoding": "gzip, deflate, br" } });
  expect(br.headers()["content-encoding"]).toBe("br");
  expect(br.headers()["vary"]).toMatch(/accept-encoding/i);
});

test("the print stylesheet hides site chrome and keeps the lesson", async ({ page }) => {
  const [first] = await moduleLinks(page, "foundation");
  await gotoReady(page, first.href);
  await page.emulateMedia({ media: "print" });
  await expect(page.locator(".site-header")).toBeHidden();
  await expect(page.locator(".toc")).toBeHidden();
  await expect(page.locator(".pager")).toBeHidden();
  await expect(page.locator(".prose")).toBeVisible();
});

test("the colour scheme follows the system preference", async ({ page }) => {
  await page.emulateMedia({ colorScheme: "light" });
  await page.goto("/");
  const light = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: "dark" });
  const dark = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(light).not.toEqual(dark);
  const [r, g, b] = dark.match(/\d+/g)!.map(Number);
  expect(r + g + b).toBeLessThan(150);
});

test("health check reports the database and the modules", async ({ request }) => {
  const res = await request.get("/healthz");
  expect(res.status()).toBe(200);
  const body = await res.json();
  expect(body.status).toBe("ok");
  expect(body.modules).toBeGreaterThanOrEqual(14);
});
