import { test, expect } from "@playwright/test";
import { gotoHydrated, hydrated, moduleLinks } from "./helpers";
import * as fs from "fs";
import * as path from "path";

test("home → Foundation → first module → next module, routed in the browser", async ({ page }) => {
  await gotoHydrated(page, "/");
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

test("every table-of-contents link points at a heading on the page, and jumps to it", async ({ page }) => {
  const [, second] = await moduleLinks(page, "foundation");
  await gotoHydrated(page, second.href);
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
  await gotoHydrated(page, modules[1].href); // HL7 message structure
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
  await gotoHydrated(page, "/foundation");
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
  await gotoHydrated(page, "/foundation");
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
  await gotoHydrated(page, first.href);
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
