import { test, expect } from "@playwright/test";
import { gotoReady } from "./helpers";

// Accounts seeded by scripts/test. The server runs on a temporary copy of
// content/, and this test puts the module back as it found it.
const TRAINER = { email: "trainer@northgate.test", password: "harbour walks at dawn" };
const ADMIN = { email: "admin@academy.test", password: "lantern ledger orchard" };
const EDITOR = "/trainer/modules/intermediate/dicomweb";
const MODULE = "/intermediate/dicomweb";
const HOSTILE = `DICOMweb</title><script>alert("title")</script><img src=x onerror=alert("img")>`;

async function signIn(page: import("@playwright/test").Page, who: { email: string; password: string }) {
  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

test("a trainer's hostile module title is shown as text to an administrator and runs nothing", async ({ browser }) => {
  test.setTimeout(60_000);
  const trainer = await (await browser.newContext()).newPage();
  await signIn(trainer, TRAINER);
  await gotoReady(trainer, EDITOR);
  const source = trainer.getByLabel("Markdown source");
  const original = await source.inputValue();
  const hostile = original.replace(/^title = .*$/m, `title = ${JSON.stringify(HOSTILE)}`);
  expect(hostile).not.toBe(original);
  await source.fill(hostile);
  await trainer.getByRole("button", { name: "Save", exact: true }).click();
  await expect(trainer.locator(".editor-status")).toContainText("Saved");

  try {
    const admin = await (await browser.newContext()).newPage();
    const dialogs: string[] = [];
    admin.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await signIn(admin, ADMIN);
    // Loaded from the server (the <title> written there) and reached in the app.
    await gotoReady(admin, MODULE);
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText(HOSTILE);
    expect(await admin.title()).toBe(`${HOSTILE} · PACS Academy`);
    await gotoReady(admin, "/intermediate");
    await expect(admin.getByRole("link", { name: HOSTILE })).toBeVisible();
    await admin.getByRole("link", { name: HOSTILE }).click();
    await expect(admin).toHaveURL(new RegExp(`${MODULE}$`));
    await expect(admin.getByRole("heading", { level: 1 })).toHaveText(HOSTILE);
    expect(await admin.title()).toBe(`${HOSTILE} · PACS Academy`);
    expect(dialogs).toEqual([]);
    await expect(admin.locator("img[src=x]")).toHaveCount(0);
  } finally {
    await gotoReady(trainer, EDITOR);
    await trainer.getByLabel("Markdown source").fill(original);
    await trainer.getByRole("button", { name: "Save", exact: true }).click();
    await expect(trainer.locator(".editor-status")).toContainText("Saved");
  }
});
