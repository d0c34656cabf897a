import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gotoReady, moduleLinks } from "./helpers";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

async function pages(page: import("@playwright/test").Page) {
  const foundation = await moduleLinks(page, "foundation");
  const intermediate = await moduleLinks(page, "intermediate");
  return [
    { name: "home", path: "/" },
    { name: "course", path: "/foundation" },
    { name: "course (intermediate)", path: "/intermediate" },
    ...foundation.map((m) => ({ name: `module ${m.href}`, path: m.href })),
    ...intermediate.map((m) => ({ name: `module ${m.href}`, path: m.href })),
    { name: "404", path: "/foundation/no-such-module" },
    { name: "HL7 lab", path: "/hl7" },
    { name: "explain HL7", path: "/hl7/explain" },
    { name: "DICOM lab", path: "/dicom" },
    { name: "explain DICOM", path: "/dicom/explain" },
    { name: "exercises", path: "/exercises" },
    { name: "exercise (read a value)", path: "/exercises/hl7-read-value/foundation/42" },
    { name: "exercise (spot the defect)", path: "/exercises/hl7-spot-defect/intermediate/42" },
    { name: "exercise (decode an element)", path: "/exercises/dicom-decode-element/intermediate/42" },
    { name: "exercise (worklist matching)", path: "/exercises/dicom-worklist-matching/foundation/42" },
  ];
}

for (const scheme of ["light", "dark"] as const) {
  test(`axe finds no violations on any page type (${scheme})`, async ({ page }) => {
    // About 30 pages, some with large explorers: axe takes its time.
    test.setTimeout(360_000);
    await page.emulateMedia({ colorScheme: scheme });
    for (const p of await pages(page)) {
      await gotoReady(page, p.path);
      // Open every self-check answer so hidden content is checked too.
      await page.locator(".prose details").evaluateAll((ds) => ds.forEach((d) => d.setAttribute("open", "")));
      const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      const summary = results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`,
      );
      expect(summary, `${p.name} [${scheme}]`).toEqual([]);
    }
  });
}

test("axe finds no violations on the explain pages with content loaded", async ({ page, request }) => {
  // Two hydrated pages and two axe runs over a full message and a full file dump.
  test.setTimeout(120_000);
  await gotoReady(page, "/hl7/explain");
  await page.getByRole("button", { name: "Example OMI^O23" }).click();
  await expect(page.locator("#explain-hl7")).toBeVisible();
  let results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`)).toEqual([]);

  const file = Buffer.from(await (await request.get("/dicom/files/US/3/0")).body());
  await gotoReady(page, "/dicom/explain");
  await page.getByLabel("Choose a DICOM file").setInputFiles({ name: "us.dcm", mimeType: "application/dicom", buffer: file });
  await expect(page.locator("#explain-dicom")).toBeVisible();
  results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`)).toEqual([]);
});

test("axe finds no violations on the trainer pages (signed in as a trainer)", async ({ page, browser }) => {
  test.setTimeout(240_000);
  // A Northgate learner, so that the learner page can be checked.
  const signup = await browser.newPage();
  await gotoReady(signup, "/signup");
  await signup.getByLabel("Full name").fill("Axel Axe");
  await signup.getByLabel("Email address").fill(`axe.${Date.now()}.${Math.floor(Math.random() * 1e6)}@northgate.test`);
  await signup.getByLabel("Organisation").selectOption({ label: "Northgate Hospitals NHS Trust" });
  await signup.getByLabel("Password").fill("violet harbour pencil");
  await signup.getByRole("button", { name: "Create account" }).click();
  await expect(signup).toHaveURL(/\/dashboard$/);
  await signup.close();
  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill("trainer@northgate.test");
  await page.getByLabel("Password").fill("harbour walks at dawn");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await gotoReady(page, "/trainer");
  const org = await page.getByRole("table", { name: /Results by organisation/ }).getByRole("link").first().getAttribute("href");
  const paths = ["/trainer", "/trainer?from=2001-01-01&to=2001-12-31", org!, "/trainer/items", "/trainer/items?level=intermediate"];
  await gotoReady(page, org!);
  const learner = await page.locator("a[href^='/trainer/learners/']").first().getAttribute("href");
  paths.push(learner!);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of paths) {
      await gotoReady(page, path);
      await page.locator("details").evaluateAll((ds) => ds.forEach((d) => d.setAttribute("open", "")));
      const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      const summary = results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`,
      );
      expect(summary, `${path} [${scheme}]`).toEqual([]);
    }
  }
});

test("axe finds no violations on the module authoring pages (trainer)", async ({ page }) => {
  test.setTimeout(120_000);
  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill("trainer@northgate.test");
  await page.getByLabel("Password").fill("harbour walks at dawn");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const path of ["/trainer/modules", "/trainer/modules/foundation/hl7-message-structure"]) {
      await gotoReady(page, path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      if (path !== "/trainer/modules") {
        // Wait for the history (loaded after hydration) and open a revision.
        await page.getByRole("region", { name: "History" }).getByRole("button", { name: /^View/ }).first().click();
        await expect(page.locator("#revision-view-title")).toBeVisible();
      }
      const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
      const summary = results.violations.map(
        (v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`,
      );
      expect(summary, `${path} [${scheme}]`).toEqual([]);
    }
  }
});
