import { test, expect, Page } from "@playwright/test";
import { gotoReady } from "./helpers";

// Accounts seeded by scripts/test and /work/notes/e2e-helper.sh. The server
// runs on a temporary copy of content/, so saving here is safe.
const TRAINER = { email: "trainer@northgate.test", password: "harbour walks at dawn" };
const LEARNER = { email: "sam@southmoor.test", password: "quiet meadow lantern" };
const EDITOR = "/trainer/modules/foundation/dicom-networking";
const MODULE = "/foundation/dicom-networking";

async function signIn(page: Page, who: { email: string; password: string }) {
  await gotoReady(page, "/signin");
  await page.getByLabel("Email address").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Puts the caret at the end of the source and types `text` key by key. */
async function typeAtEnd(page: Page, text: string) {
  const source = page.getByLabel("Markdown source");
  await source.focus();
  await source.evaluate((el: HTMLTextAreaElement) => el.setSelectionRange(el.value.length, el.value.length));
  await page.keyboard.type(text);
}

test("a trainer edits a module with a live preview and checks, saves it, and a learner sees it", async ({ page, browser }) => {
  test.setTimeout(90_000);
  const marker = `Marker paragraph ${Date.now()} for the authoring test.`;
  await signIn(page, TRAINER);

  // The trainer area links to the module list, which links to the editor.
  await page.getByRole("navigation", { name: "Account" }).getByRole("link", { name: "Edit modules" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Edit modules" })).toBeVisible();
  await expect(page.locator(`a[href="${EDITOR}"]`)).toBeVisible();
  await gotoReady(page, EDITOR);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("Edit:");
  const source = page.getByLabel("Markdown source");
  const original = await source.inputValue();
  expect(original.startsWith("+++")).toBe(true);
  const summary = page.locator("#editor-problems-summary");
  await expect(summary).toContainText("No problems found");
  const preview = page.getByRole("region", { name: "Preview" });

  // Typing updates the preview, hl7 blocks included (as live explorers).
  await typeAtEnd(page, `\n\n${marker}\n\n\`\`\`hl7\nMSH|^~\\&|RIS|NGH|PACS|NGH|20261202120000||ORM^O01|77|P|2.5.1\n\`\`\`\n`);
  await expect(preview.locator(".prose")).toContainText(marker);
  const explorer = preview.locator("[data-explorer=hl7]").last();
  await expect(explorer).toBeVisible();
  // The document-wide explorer listeners reach the inserted preview: a
  // click selects the part under the pointer and shows it in the panel.
  await explorer.locator(".hl7-part").first().click();
  await expect(explorer.locator('.hl7-part[aria-selected="true"]')).toHaveCount(1);
  await expect(explorer.locator(".explorer-details")).toContainText("MSH");

  // A broken link is a problem with its line; the button moves the caret there.
  const before = await source.inputValue();
  await typeAtEnd(page, "\nSee [the missing page](/foundation/no-such-module).\n");
  const problem = page.locator(".problem-list li").filter({ hasText: "no-such-module" });
  await expect(problem).toHaveCount(1);
  await expect(summary).toContainText("1 problem");
  const brokenLine = (await source.inputValue()).split("\n").findIndex((l) => l.includes("no-such-module")) + 1;
  await problem.getByRole("button", { name: `Line ${brokenLine}` }).click();
  await expect(source).toBeFocused();
  const caretLine = await source.evaluate(
    (el: HTMLTextAreaElement) => el.value.slice(0, el.selectionStart).split("\n").length,
  );
  expect(caretLine).toBe(brokenLine);

  // Fixing it clears the problem.
  await source.fill(before);
  await expect(summary).toContainText("No problems found");
  await expect(page.locator(".problem-list li")).toHaveCount(0);

  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.locator(".editor-status")).toContainText("Saved");
  await expect(page.getByText("No unsaved changes")).toBeVisible();
  const history = page.getByRole("region", { name: "History" });
  await expect(history.locator("tbody tr").first()).toContainText("Saved");
  await expect(history.locator("tbody tr").first()).toContainText("Tess Trainer");

  // A learner in another browser context sees the change.
  const context = await browser.newContext();
  const learner = await context.newPage();
  await signIn(learner, LEARNER);
  await gotoReady(learner, MODULE);
  await expect(learner.locator(".prose")).toContainText(marker);
  // Learners cannot open the editor.
  await gotoReady(learner, EDITOR);
  await expect(learner.getByRole("alert")).toContainText("You do not have access to this page");
  await context.close();
});

test("leaving the editor with unsaved work asks first, and the draft is offered back", async ({ page, context }) => {
  test.setTimeout(90_000);
  // A module no other test edits; drafts live in this test's own browser context.
  const editor = "/trainer/modules/intermediate/transfer-syntaxes";
  const marker = `Draft paragraph ${Date.now()}.`;
  await signIn(page, TRAINER);
  await gotoReady(page, editor);
  const source = page.getByLabel("Markdown source");
  const original = await source.inputValue();
  await expect(page.getByText("You have an unsaved draft")).toHaveCount(0);
  await typeAtEnd(page, `\n\n${marker}\n`);
  await expect(page.locator(".editor-dirty")).toHaveText("Unsaved changes");

  // A link away asks; saying no stays with the work in place.
  const questions: string[] = [];
  page.once("dialog", (d) => { questions.push(d.message()); void d.dismiss(); });
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Edit modules" }).click();
  await expect.poll(() => questions.length).toBe(1);
  expect(questions[0]).toContain("unsaved changes");
  await expect(page).toHaveURL(new RegExp(`${editor}$`));
  await expect(source).toHaveValue(`${original}\n\n${marker}\n`);

  // Saying yes leaves; the draft stays in this browser.
  page.once("dialog", (d) => void d.accept());
  await page.getByRole("navigation", { name: "Breadcrumb" }).getByRole("link", { name: "Edit modules" }).click();
  await expect(page).toHaveURL(/\/trainer\/modules$/);

  // Back in the editor: the server's text, and the draft on offer.
  await gotoReady(page, editor);
  const offer = page.getByRole("region", { name: "You have an unsaved draft of this module" });
  await expect(offer).toBeVisible();
  await expect(source).toHaveValue(original);
  await offer.getByRole("button", { name: "Restore the draft" }).click();
  await expect(offer).toHaveCount(0);
  await expect(source).toHaveValue(`${original}\n\n${marker}\n`);
  await expect(page.locator(".editor-dirty")).toHaveText("Unsaved changes");

  // Closing the tab gets the browser's own prompt; the draft outlives the tab.
  const closing = page.waitForEvent("dialog");
  await page.close({ runBeforeUnload: true });
  const prompt = await closing;
  expect(prompt.type()).toBe("beforeunload");
  await prompt.accept();
  await expect.poll(() => page.isClosed()).toBe(true);

  const again = await context.newPage();
  await gotoReady(again, editor);
  const offered = again.getByRole("region", { name: "You have an unsaved draft of this module" });
  await expect(offered).toBeVisible();
  // Discarding removes it for good.
  await offered.getByRole("button", { name: "Discard the draft" }).click();
  await expect(offered).toHaveCount(0);
  await expect(again.getByLabel("Markdown source")).toHaveValue(original);
  await gotoReady(again, editor);
  await expect(again.getByText("You have an unsaved draft")).toHaveCount(0);
  expect(await again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("pacs-editor-draft:")))).toEqual([]);
});
