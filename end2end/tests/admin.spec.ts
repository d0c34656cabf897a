import { test, expect } from "@playwright/test";
import { gotoReady } from "./helpers";

// Accounts seeded by scripts/test.
const ADMIN = { email: "admin@academy.test", password: "lantern ledger orchard" };

test("a refused role change is undone on screen, and its notice goes with the next change", async ({ page, browser }) => {
  // A learner of our own, so that this test changes nobody else's role.
  const other = await browser.newPage();
  const name = `Rory Role ${Date.now()}`;
  await gotoReady(other, "/signup");
  await other.getByLabel("Full name").fill(name);
  await other.getByLabel("Email address").fill(`rory.${Date.now()}.${Math.floor(Math.random() * 1e6)}@northgate.test`);
  await other.getByLabel("Organisation").selectOption({ label: "Northgate Hospitals NHS Trust" });
  await other.getByLabel("Password").fill("violet harbour pencil");
  await other.getByRole("button", { name: "Create account" }).click();
  await expect(other).toHaveURL(/\/dashboard$/);
  await other.close();

  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await gotoReady(page, "/admin");

  // The administrator cannot demote themselves: refused, and the drop-down
  // shows the role they still have.
  const own = page.getByLabel("Role of Ada Admin");
  await own.selectOption("learner");
  await page.getByRole("button", { name: "Save role of Ada Admin" }).click();
  await expect(page.getByRole("alert")).toContainText("You cannot remove your own administrator role.");
  await expect(own).toHaveValue("admin");

  // The next change succeeds: the old refusal goes, a confirmation comes.
  const theirs = page.getByLabel(`Role of ${name}`);
  await expect(theirs).toHaveValue("learner");
  await theirs.selectOption("trainer");
  await page.getByRole("button", { name: `Save role of ${name}` }).click();
  await expect(page.getByRole("status").filter({ hasText: "Role saved." })).toBeVisible();
  await expect(page.locator(".notice-error")).toHaveCount(0);
  await expect(page.getByLabel(`Role of ${name}`)).toHaveValue("trainer");
  await expect(own).toHaveValue("admin");
});
