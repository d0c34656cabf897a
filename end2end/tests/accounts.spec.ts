import { test, expect, Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gotoReady, ready } from "./helpers";

// Accounts seeded by scripts/test.
const TRAINER = { email: "trainer@northgate.test", password: "harbour walks at dawn" };
const ADMIN = { email: "admin@academy.test", password: "lantern ledger orchard" };
const PASSWORD = "violet harbour pencil";

function uniqueEmail(tag: string) {
  return `${tag}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@northgate.test`;
}

async function signUp(page: Page, name: string, email: string, organisation = "Northgate Hospitals NHS Trust") {
  await gotoReady(page, "/signup");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Organisation").selectOption({ label: organisation });
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

async function signOut(page: Page) {
  await page.getByRole("navigation", { name: "Account" }).getByRole("button", { name: "Sign out" }).click();
  await expect(page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Sign in" })).toBeVisible();
}

test("sign up, sign out, sign in, complete a module and see it on the dashboard", async ({ page }) => {
  const email = uniqueEmail("jane");
  await signUp(page, "Jane Learner", email);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your dashboard");
  const foundation = page.locator(".course-card").filter({ hasText: "Foundation course" });
  await expect(foundation).toContainText("0 of 6");

  await signOut(page);
  await expect(page).toHaveURL(/\/$/);
  await signIn(page, email, PASSWORD);
  await expect(page.getByRole("navigation", { name: "Account" })).toContainText("Jane Learner");

  await gotoReady(page, "/foundation");
  const first = page.locator(".module-list h2 a").first();
  const title = (await first.textContent())!.trim();
  await first.click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(title);
  await page.getByRole("button", { name: "Mark as complete" }).click();
  await expect(page.locator(".progress-box [role=status]")).toHaveText("You have completed this module.");
  await expect(page.getByRole("button", { name: "Mark as not complete" })).toBeVisible();

  await gotoReady(page, "/dashboard");
  await expect(foundation).toContainText("1 of 6");
  await foundation.getByText("Completed modules").click();
  await expect(foundation.getByRole("link", { name: title })).toBeVisible();

  // One wrong exercise answer: the topic is named (not its slug) and counted in the singular.
  await gotoReady(page, "/exercises/hl7-read-value/foundation/7");
  await page.locator(".exercise-form input[type=text]").first().fill("not the value");
  await page.getByRole("button", { name: "Check my answer" }).click();
  await expect(page.locator("#feedback-title")).toBeVisible();
  await gotoReady(page, "/dashboard");
  const row = page.getByRole("region", { name: "Accuracy by topic" }).getByRole("row", { name: /HL7 message structure/ });
  await expect(row.getByRole("cell")).toHaveText(["Foundation", "HL7 message structure", "1", "0%"]);
  await expect(page.locator(".weakest li").first()).toContainText("HL7 message structure — 0% correct over 1 attempt.");
  await expect(page.locator("main")).not.toContainText("hl7-message-structure");
  await expect(page.locator("main")).not.toContainText("1 attempts");
});

test("a bad password gets a clear error next to the field", async ({ page }) => {
  await gotoReady(page, "/signup");
  await page.getByLabel("Full name").fill("Pat Short");
  await page.getByLabel("Email address").fill(uniqueEmail("pat"));
  await page.getByLabel("Organisation").selectOption({ label: "Northgate Hospitals NHS Trust" });
  await page.getByLabel("Password").fill("password1");
  await page.getByRole("button", { name: "Create account" }).click();
  const password = page.getByLabel("Password");
  await expect(password).toHaveAttribute("aria-invalid", "true");
  await expect(page.locator("#field-password-error")).toContainText("at least 12 characters");
  // The GOV.UK error summary: focused, titled, one link per field error, and
  // each link moves to its field.
  const summary = page.locator(".error-summary");
  await expect(summary).toBeFocused();
  await expect(summary.getByRole("heading", { name: "There is a problem" })).toBeVisible();
  const link = summary.getByRole("link", { name: /at least 12 characters/ });
  await expect(link).toHaveAttribute("href", "#field-password");
  await link.click();
  await expect(password).toBeFocused();
  // The field in error is highlighted: its border is the error colour, unlike a good field's.
  const border = (l: import("@playwright/test").Locator) => l.evaluate((e) => getComputedStyle(e).borderTopColor);
  expect(await border(password)).not.toBe(await border(page.getByLabel("Full name")));
  expect(await border(password)).toBe(await page.locator("#field-password-error").evaluate((e) => getComputedStyle(e).color));
  await expect(page).toHaveURL(/\/signup(#field-password)?$/);

  await password.fill("1qaz2wsx3edc");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator("#field-password-error")).toContainText("too common");

  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill(TRAINER.email);
  await page.getByLabel("Password").fill("not the password at all");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("email address or password is not right");
  await expect(page).toHaveURL(/\/signin$/);
});

test("a trainer sees their organisation's learner but not another's", async ({ browser }) => {
  const learnerPage = await browser.newPage();
  const name = `Nina Northgate ${Date.now()}`;
  await signUp(learnerPage, name, uniqueEmail("nina"));
  await learnerPage.close();

  const page = await browser.newPage();
  await signIn(page, TRAINER.email, TRAINER.password);
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Cohorts" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Your cohorts");
  await expect(page.getByRole("heading", { name: "Northgate Hospitals NHS Trust" })).toBeVisible();
  await expect(page.getByRole("cell", { name })).toBeVisible();
  await expect(page.getByText("Sam Southmoor")).toHaveCount(0);
  await expect(page.getByRole("heading", { name: "Southmoor NHS Foundation Trust" })).toHaveCount(0);
  // The administration page is refused, in the page and by the server.
  await gotoReady(page, "/admin");
  await expect(page.getByRole("alert")).toContainText("You do not have access");
  const res = await page.request.get("/api/admin/overview");
  expect(res.status()).toBe(403);
  await page.close();
});

test("visitors can read without an account and are told nothing is recorded", async ({ page }) => {
  await gotoReady(page, "/foundation/imaging-landscape");
  await expect(page.locator(".progress-box")).toContainText("You are not signed in, so nothing is recorded");
  const res = await page.request.get("/api/dashboard");
  expect(res.status()).toBe(401);
});

test("a learner can export their data and delete their account", async ({ page }) => {
  const email = uniqueEmail("del");
  await signUp(page, "Dee Delete", email);
  await gotoReady(page, "/account");
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download my data" }).click();
  const file = await download;
  const json = JSON.parse(require("fs").readFileSync(await file.path(), "utf8"));
  expect(json.account.email).toBe(email);
  expect(Array.isArray(json.completed_modules)).toBe(true);

  await page.locator("#field-password").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page.locator("#field-confirm-error")).toContainText("Tick the box");
  await page.getByLabel("I understand that my account and progress will be deleted").check();
  await page.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/$/);
  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("not right");
});

test("the whole sign-in form works by keyboard", async ({ page }) => {
  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").focus();
  await page.keyboard.type(TRAINER.email);
  await page.keyboard.press("Tab");
  await page.keyboard.type(TRAINER.password);
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
});

test("axe finds no violations on the account pages", async ({ page }) => {
  test.setTimeout(90_000);
  const check = async (path: string) => {
    await gotoReady(page, path);
    const results = await new AxeBuilder({ page })
      .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"])
      .analyze();
    expect(results.violations.map((v) => `${v.id}: ${v.nodes[0].target}`), path).toEqual([]);
  };
  await check("/signin");
  await check("/signup");
  await check("/dashboard");
  // With errors showing.
  await gotoReady(page, "/signup");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.locator(".field-error").first()).toBeVisible();
  const withErrors = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]).analyze();
  expect(withErrors.violations.map((v) => v.id)).toEqual([]);

  await signIn(page, ADMIN.email, ADMIN.password);
  for (const path of ["/dashboard", "/account", "/trainer", "/admin", "/foundation/imaging-landscape"]) {
    await check(path);
  }
});

test("signing in from a page that asked for it returns to that page", async ({ page, browser }) => {
  await gotoReady(page, "/trainer");
  await expect(page.getByRole("heading", { name: "Please sign in" })).toBeVisible();
  await page.locator("main").getByRole("link", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/signin\?next=%2Ftrainer$/);
  await ready(page);
  await page.getByLabel("Email address").fill("trainer@northgate.test");
  await page.getByLabel("Password").fill("harbour walks at dawn");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/trainer$/);
  await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Sign in");

  // An address on another site is not followed: the dashboard instead.
  // (A fresh browser rather than signing out, which would end the shared
  // trainer's sessions in tests running alongside.)
  const context = await browser.newContext();
  const other = await context.newPage();
  await gotoReady(other, "/signin?next=%2F%2Fevil.example%2F");
  await other.getByLabel("Email address").fill("trainer@northgate.test");
  await other.getByLabel("Password").fill("harbour walks at dawn");
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(/\/dashboard$/);
  await context.close();
});
