import { test, expect, Page } from "@playwright/test";
import * as fs from "fs";
import { gotoReady } from "./helpers";

// Accounts seeded by scripts/test (and /work/notes/e2e-helper.sh).
const TRAINER = { email: "trainer@northgate.test", password: "harbour walks at dawn" };
const PASSWORD = "violet harbour pencil";
const COHORT_HEADER =
  "Organisation,ODS code,Learners," +
  "Foundation modules completed,Foundation candidates,Foundation exam attempts,Foundation passes,Foundation mean score %," +
  "Intermediate modules completed,Intermediate candidates,Intermediate exam attempts,Intermediate passes,Intermediate mean score %";

function uniqueEmail(tag: string) {
  return `${tag}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@northgate.test`;
}

async function signUp(page: Page, name: string, email: string) {
  await gotoReady(page, "/signup");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Organisation").selectOption({ label: "Northgate Hospitals NHS Trust" });
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

async function signIn(page: Page, email: string, password: string) {
  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("a trainer opens the cohort report, downloads it, drills down to a learner and grants extra time", async ({ browser }) => {
  // A Northgate learner to drill down to.
  const learner = await browser.newPage();
  const name = `Lena Learner ${Date.now()}`;
  await signUp(learner, name, uniqueEmail("lena"));
  await learner.close();

  const page = await browser.newPage();
  await signIn(page, TRAINER.email, TRAINER.password);
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Cohorts" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your cohorts");
  await gotoReady(page, "/trainer");
  const report = page.getByRole("table", { name: /Results by organisation, all time/ });
  await expect(report.getByRole("rowheader", { name: "Northgate Hospitals NHS Trust" })).toBeVisible();
  await expect(report).not.toContainText("Southmoor");

  // The CSV: a header row and the Northgate row, nothing of Southmoor.
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV of results by organisation" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe("pacs-academy-cohort-all-time.csv");
  const bytes = fs.readFileSync((await file.path())!);
  // A UTF-8 byte-order mark first, so that Excel reads accented names right.
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csv = bytes.subarray(3).toString("utf8");
  const lines = csv.split("\r\n");
  expect(lines[0]).toBe(COHORT_HEADER);
  const northgate = lines.filter((l) => l.startsWith("Northgate Hospitals NHS Trust,"));
  expect(northgate).toHaveLength(1);
  // At least the learner made above; no exam attempts yet, so no mean.
  expect(northgate[0]).toMatch(/^Northgate Hospitals NHS Trust,RZZ1,[1-9]\d*,\d+,\d+,\d+,\d+,(\d+\.\d)?,\d+,\d+,\d+,\d+,(\d+\.\d)?$/);
  expect(csv).not.toContain("Southmoor");
  expect(lines[lines.length - 1]).toBe("");

  // The date filter is a GET form: the address can be shared.
  await page.getByLabel("From").fill("2001-01-01");
  await page.getByLabel("To (inclusive)").fill("2001-12-31");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/\/trainer\?from=2001-01-01&to=2001-12-31$/);
  const old = page.getByRole("table", { name: /2001-01-01 to 2001-12-31/ });
  await expect(old.getByRole("row", { name: /Northgate/ }).getByRole("cell").first()).toHaveText("0");
  await expect(page.getByRole("link", { name: "Download CSV of results by organisation" })).toHaveAttribute(
    "href",
    "/trainer/report.csv?from=2001-01-01&to=2001-12-31",
  );
  await page.getByRole("link", { name: "Clear dates" }).click();
  await expect(page).toHaveURL(/\/trainer$/);

  // Drill down: the organisation, then the learner.
  await page.getByRole("table", { name: /Results by organisation/ }).getByRole("link", { name: "Northgate Hospitals NHS Trust" }).click();
  await expect(page).toHaveURL(/\/trainer\/organisations\/\d+$/);
  await expect(page.getByRole("heading", { level: 2, name: "Northgate Hospitals NHS Trust" })).toBeVisible();
  await page.getByRole("link", { name }).click();
  await expect(page).toHaveURL(/\/trainer\/learners\/\d+$/);
  await expect(page.getByRole("heading", { level: 2, name })).toBeVisible();
  await expect(page.getByText("No exam attempts yet.")).toBeVisible();
  await expect(page.getByRole("table", { name: "Progress in each module" }).getByRole("row")).not.toHaveCount(1);
  // The module table downloads too: one row per module, none completed yet.
  const moduleRows = await page.getByRole("table", { name: "Progress in each module" }).locator("tbody tr").count();
  const modulesDownload = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download CSV of module progress" }).click();
  const modulesFile = await modulesDownload;
  expect(modulesFile.suggestedFilename()).toMatch(/^pacs-academy-learner-\d+-modules\.csv$/);
  const modulesText = fs.readFileSync((await modulesFile.path())!, "utf8");
  expect(modulesText.startsWith("\ufeff")).toBe(true);
  const modulesCsv = modulesText.slice(1).split("\r\n").filter((l) => l !== "");
  expect(modulesCsv[0]).toBe("Course,Module,Slug,Completed (UTC)");
  expect(modulesCsv).toHaveLength(moduleRows + 1);
  expect(modulesCsv.slice(1).every((l) => /^(Foundation|Intermediate),.*,$/.test(l))).toBe(true);

  // Extra time: a bad value is explained next to the field, a good one saved.
  const foundation = page.locator(".extra-time", { hasText: "Foundation exam" });
  await expect(foundation).toContainText("No extra time at present.");
  const minutes = page.getByLabel("Extra minutes for the Foundation exam");
  await minutes.fill("601");
  await page.getByRole("button", { name: "Save extra time for the Foundation exam" }).click();
  await expect(minutes).toHaveAttribute("aria-invalid", "true");
  await expect(foundation.locator(".field-error")).toContainText("from 0 to 600");
  await page.getByLabel("Extra minutes for the Foundation exam").fill("45");
  await page.getByRole("button", { name: "Save extra time for the Foundation exam" }).click();
  await expect(page.locator(".extra-time", { hasText: "Foundation exam" }).getByRole("status")).toContainText(
    "Extra time at the Foundation exam is now 45 minutes. It applies from the next attempt",
  );
  await expect(page.locator(".extra-time", { hasText: "Foundation exam" })).toContainText("At present: 45 minutes");
  // It is stored: a fresh load shows it.
  await gotoReady(page, page.url());
  await expect(page.getByLabel("Extra minutes for the Foundation exam")).toHaveValue("45");

  // Item analysis names its method.
  await gotoReady(page, "/trainer/items");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Item analysis");
  await expect(page.locator(".method-name")).toContainText("Upper-minus-lower 27%");
  await expect(page.getByRole("table", { name: /Questions of the PACS Academy Foundation exam/ })).toBeVisible();
  // The wide table scrolls in its own box; the page never scrolls sideways.
  for (const width of [1280, 360]) {
    await page.setViewportSize({ width, height: 800 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `/trainer/items at ${width} px`).toBeLessThanOrEqual(0);
  }
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.getByLabel("Exam", { exact: true }).selectOption("intermediate");
  await page.getByRole("button", { name: "Show" }).click();
  await expect(page).toHaveURL(/\/trainer\/items\?level=intermediate/);
  await expect(page.getByRole("table", { name: /Intermediate exam/ })).toBeVisible();
  await page.close();
});

test("another organisation's learner and CSV are refused to a trainer", async ({ page }) => {
  await signIn(page, TRAINER.email, TRAINER.password);
  // Southmoor is the second organisation the seed script makes.
  for (const path of ["/trainer/organisations/2/learners.csv", "/trainer/organisations/987654/learners.csv"]) {
    const res = await page.request.get(path);
    expect(res.status(), path).toBe(403);
    expect(await res.text()).toBe("You do not follow this organisation.");
  }
  await gotoReady(page, "/trainer/organisations/2");
  await expect(page.getByRole("alert")).toContainText("You do not follow this organisation.");
});
