import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gotoReady, signUpLearner, moduleLinks } from "./helpers";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

test("at 360 px nothing scrolls sideways and the contents come before the lesson", async ({ page }) => {
  const modules = [...(await moduleLinks(page, "foundation")), ...(await moduleLinks(page, "intermediate"))];
  for (const path of ["/", "/foundation", "/intermediate", ...modules.map((m) => m.href), "/nope/x/y"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await gotoReady(page, modules[0].href);
  const tocTop = await page.locator(".toc").evaluate((el) => el.getBoundingClientRect().top);
  const proseTop = await page.locator(".prose").evaluate((el) => el.getBoundingClientRect().top);
  expect(tocTop).toBeLessThan(proseTop);
});

test("at 360 px the labs and every exercise keep wide content in its own scrolling box", async ({ page }) => {
  test.setTimeout(120_000);
  const kinds = [
    "hl7-read-value", "hl7-locate-field", "hl7-trigger-event", "hl7-spot-defect", "hl7-merge", "hl7-build-ack",
    "dicom-decode-element", "dicom-transfer-syntax", "dicom-find-attribute", "dicom-information-model",
    "dicom-network-config", "dicom-worklist-matching", "dicom-vr",
  ];
  const paths = ["/hl7", "/dicom", "/hl7/explain", "/dicom/explain", "/exercises", "/exams", "/verify"];
  for (const kind of kinds) for (const level of ["foundation", "intermediate"]) paths.push(`/exercises/${kind}/${level}/7`);
  for (const path of paths) {
    await gotoReady(page, path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});

for (const scheme of ["light", "dark"] as const) {
  test(`at 360 px the site menu folds behind a Menu button on reading and app pages (${scheme})`, async ({ page }) => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of ["/foundation", "/hl7"]) {
      await gotoReady(page, path);
      const button = page.getByRole("button", { name: "Menu" });
      const nav = page.getByRole("navigation", { name: "Main" });
      await expect(button).toHaveAttribute("aria-expanded", "false");
      await expect(nav).toBeHidden();
      const header = (await page.locator(".site-header").boundingBox())!;
      expect(header.height, `${path}: header height`).toBeLessThan(80);
      await button.click();
      await expect(button).toHaveAttribute("aria-expanded", "true");
      await expect(nav.getByRole("link", { name: "Exercises" })).toBeVisible();
      await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible();
      const results = await new AxeBuilder({ page }).include(".site-header").withTags(TAGS).analyze();
      expect(results.violations.map((v) => v.id), `${path} [${scheme}]`).toEqual([]);
      await page.keyboard.press("Escape");
      await expect(button).toHaveAttribute("aria-expanded", "false");
      await expect(button).toBeFocused();
      await expect(nav).toBeHidden();
    }
    // Following a link from the open menu: the next page starts with it folded.
    await gotoReady(page, "/foundation");
    await page.getByRole("button", { name: "Menu" }).click();
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Intermediate" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("Intermediate course");
    await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  });
}

test("at 1280 px the navigation is always shown and there is no Menu button", async ({ page }) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  for (const path of ["/", "/exercises"]) {
    await gotoReady(page, path);
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "DICOM lab" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  }
});

test("without scripts the navigation is shown in full at 360 px", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  await page.goto("/foundation");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Exams" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
  await context.close();
});

test("at 360 px the exam clock stays in view while a question is scrolled", async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 640 });
  await signUpLearner(page, "Sam Sticky");
  await gotoReady(page, "/exams?start=intermediate");
  await page.getByRole("button", { name: "Start now" }).click();
  await expect(page).toHaveURL(/\/exams\/attempts\/\d+/);
  await gotoReady(page, page.url());
  const timer = page.getByRole("timer");
  await expect(timer).toBeVisible();
  await page.evaluate(() => window.scrollTo({ top: document.documentElement.scrollHeight, behavior: "instant" }));
  await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(100);
  const box = (await timer.boundingBox())!;
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.y + box.height).toBeLessThanOrEqual(640);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
