import { test, expect, Page, Locator } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import path from "node:path";
import { gotoReady, ready } from "./helpers";

// The test server runs the short exams of end2end/fixtures/exams/ (copied
// over content/exams/ by scripts/test): Foundation has 6 questions in 20
// minutes, Intermediate 10 questions in 1 minute with a 3 s grace.

const PASSWORD = "violet harbour pencil";

/** Starts an exam from /exams: "Start the exam", then "Start now" once it has asked. */
async function startExam(page: Page, title: string) {
  const card = page.locator(".exam-card").filter({ hasText: title });
  await card.getByRole("link", { name: "Start the exam" }).click();
  await card.getByRole("button", { name: "Start now" }).click();
}

type BankQuestion = { id: string; type: string; options: string[]; key: string[]; explanation: string };

/** The question bank of a level, read from the TOML files with Python's tomllib. */
function bank(level: string): BankQuestion[] {
  const dir = path.resolve(__dirname, "../../content/questions", level);
  const script = `
import json, pathlib, sys, tomllib
out = []
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.toml")):
    for q in tomllib.loads(f.read_text())["question"]:
        out.append({k: q[k] for k in ("id", "type", "options", "key", "explanation")})
print(json.dumps(out))`;
  return JSON.parse(execFileSync("python3", ["-c", script, dir]).toString());
}

/** Markdown as the browser shows it: no backticks, no emphasis marks, single spaces. */
function plain(md: string) {
  return md.replace(/`/g, "").replace(/\*\*|__/g, "").replace(/\\([\\`*_{}\[\]()#+\-.!|~^&])/g, "$1").replace(/\s+/g, " ").trim();
}

/** A run of an explanation's words that survives rendering unchanged, to look for in responses. */
function marker(md: string) {
  const runs = md.split(/[`*_\\\[\]()<>&"'\n]/).map((r) => r.replace(/\s+/g, " ").trim());
  return runs.sort((a, b) => b.length - a.length)[0];
}

function uniqueEmail(tag: string) {
  return `${tag}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@northgate.test`;
}

async function signUp(page: Page, name: string) {
  await gotoReady(page, "/signup");
  await page.getByLabel("Full name").fill(name);
  await page.getByLabel("Email address").fill(uniqueEmail("candidate"));
  await page.getByLabel("Organisation").selectOption({ label: "Northgate Hospitals NHS Trust" });
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/** Presses Tab until `target` has focus (keyboard only: no clicks). */
async function tabTo(page: Page, target: Locator, max = 80) {
  for (let i = 0; i < max; i++) {
    if (await target.evaluate((el) => el === document.activeElement).catch(() => false)) return;
    await page.keyboard.press("Tab");
  }
  throw new Error(`Tab never reached ${target}`);
}

async function axe(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  expect(results.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(", ")}`)).toEqual([]);
}

/** Seconds on the exam timer. */
async function timerSeconds(page: Page) {
  const text = (await page.locator(".exam-timer-value").textContent())!.trim();
  return text.split(":").map(Number).reduce((acc, n) => acc * 60 + n, 0);
}

/** The bank question shown now (matched by its options) and the displayed positions of its key. */
async function shownQuestion(page: Page, questions: BankQuestion[]) {
  const shown = (await page.locator(".exam-option .option-text").allTextContents()).map((t) => t.replace(/\s+/g, " ").trim());
  const q = questions.find((q) => q.options.length === shown.length && q.options.every((o) => shown.includes(plain(o))));
  if (!q) throw new Error(`no bank question has the options ${JSON.stringify(shown)}`);
  const keyTexts = q.key.map((letter) => plain(q.options[letter.charCodeAt(0) - 65]));
  return { q, keyPositions: keyTexts.map((t) => shown.indexOf(t)).sort() };
}

/** Answers the current question with the key, by keyboard, and waits until it is saved. */
async function answerByKeyboard(page: Page, positions: number[], multiple: boolean) {
  const options = page.locator(".exam-option input");
  if (multiple) {
    for (const p of positions) {
      await tabTo(page, options.nth(p));
      await page.keyboard.press("Space");
    }
  } else {
    // One tab stop for the radio group; the arrow keys move and choose.
    await tabTo(page, options.first());
    if (positions[0] === 0) await page.keyboard.press("Space");
    for (let i = 0; i < positions[0]; i++) await page.keyboard.press("ArrowDown");
  }
  for (const p of positions) await expect(options.nth(p)).toBeChecked();
  await expect(page.locator(".exam-save-state")).toHaveText("Saved.");
}

test("sit the Foundation exam by keyboard, reload midway, submit, review, and verify the certificate", async ({ page }) => {
  test.setTimeout(180_000);
  const questions = bank("foundation");
  await signUp(page, "Kim Keyboard");

  // Every response body from here until submission, to look for keys.
  const bodies: { url: string; body: string }[] = [];
  let recording = true;
  page.on("response", async (r) => {
    if (!recording) return;
    const type = r.headers()["content-type"] ?? "";
    if (/wasm|javascript|css|image|font/.test(type)) return;
    try {
      bodies.push({ url: r.url(), body: await r.text() });
    } catch {
      /* redirects and aborted requests have no body */
    }
  });

  await gotoReady(page, "/exams");
  const card = page.locator(".exam-card").filter({ hasText: "Foundation exam" });
  await expect(card).toContainText("6");
  await tabTo(page, card.getByRole("link", { name: "Start the exam" }));
  await page.keyboard.press("Enter");
  // It asks first, with the time, which attempt this is and what happens at zero.
  const confirm = card.getByRole("region", { name: "Start the PACS Academy Foundation exam now?" });
  await expect(confirm.getByRole("heading")).toBeFocused();
  await expect(confirm).toContainText("This will be attempt 1 of");
  await expect(confirm).toContainText("submitted for you and marked");
  await axe(page);
  await tabTo(page, confirm.getByRole("button", { name: "Start now" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/exams\/attempts\/\d+/);
  await ready(page);
  const attemptUrl = page.url().split("?")[0];
  await axe(page);

  const answered: { q: BankQuestion; positions: number[] }[] = [];
  for (let n = 1; n <= 6; n++) {
    await expect(page.getByRole("heading", { name: `Question ${n} of 6` })).toBeVisible();
    const { q, keyPositions } = await shownQuestion(page, questions);
    await answerByKeyboard(page, keyPositions, q.type === "multiple");
    answered.push({ q, positions: keyPositions });
    if (n === 3) {
      // Flag it, by keyboard, then reload: the answers, the flag and the clock carry on.
      await tabTo(page, page.getByLabel("Flag this question to come back to it"));
      await page.keyboard.press("Space");
      await expect(page.locator(".exam-save-state")).toHaveText("Saved.");
      const before = await timerSeconds(page);
      await page.waitForTimeout(1500);
      await page.reload();
      await ready(page);
      await expect(page.getByRole("heading", { name: "Question 3 of 6" })).toBeVisible();
      const options = page.locator(".exam-option input");
      for (const p of keyPositions) await expect(options.nth(p)).toBeChecked();
      await expect(page.getByLabel("Flag this question to come back to it")).toBeChecked();
      const after = await timerSeconds(page);
      expect(after).toBeLessThan(before);
      expect(after).toBeGreaterThan(before - 60);
      const both = page.getByRole("button", { name: "Question 3, answered, flagged" });
      await expect(both).toBeVisible();
      // The grid shows both marks, not the flag alone.
      await expect(both.locator(".exam-grid-mark")).toHaveText("✓⚑");
      await expect(page.getByRole("button", { name: "Question 1, answered" })).toBeVisible();
      await expect(page.getByRole("button", { name: "Question 4, not answered" })).toBeVisible();
    }
    if (n < 6) {
      await tabTo(page, page.getByRole("button", { name: "Next question" }));
      await page.keyboard.press("Enter");
      // Focus moves to the new question's heading.
      await expect(page.getByRole("heading", { name: `Question ${n + 1} of 6` })).toBeFocused();
    }
  }
  await tabTo(page, page.locator(".exam-pager").getByRole("button", { name: "Review and submit" }));
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Review and submit" })).toBeFocused();
  await expect(page.locator(".exam-submit")).toContainText("You have answered 6 of 6 questions.");
  await expect(page.locator(".exam-submit")).toContainText("Flagged for review");
  await axe(page);
  recording = false;
  const leakCheckedBodies = bodies.slice();
  await tabTo(page, page.getByRole("button", { name: "Submit my answers" }));
  await page.keyboard.press("Enter");

  await expect(page).toHaveURL(/\/exams\/results\/\d+/);
  await ready(page);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Result: Passed");
  await expect(page.locator(".result-score")).toContainText("100%");
  await expect(page.locator(".result-summary")).toContainText("You submitted it");
  await expect(page.locator(".review-item")).toHaveCount(6);
  await expect(page.locator(".review-item h3")).toHaveText(Array.from({ length: 6 }, (_, i) => `Question ${i + 1}: Right`));
  await axe(page);

  // No key reached the browser before submission: no explanation, no key or
  // correctness field, no question id in any response during the attempt…
  expect(leakCheckedBodies.length).toBeGreaterThan(8);
  expect(leakCheckedBodies.some((b) => b.url.includes("/api/exam/save"))).toBe(true);
  for (const { q } of answered) {
    const m = marker(q.explanation);
    expect(m.length).toBeGreaterThan(20);
    for (const b of leakCheckedBodies) {
      expect(b.body, `${b.url} leaks the explanation of ${q.id}`).not.toContain(m);
      expect(b.body, `${b.url} leaks the question id ${q.id}`).not.toContain(q.id);
    }
  }
  for (const b of leakCheckedBodies) expect(b.body).not.toMatch(/"(key|correct|explanation_html|explanation|order)"\s*:/);
  // …while the review, after this passing submission, does show them (so the check can fail).
  const review = await page.locator(".exam-review").innerText();
  for (const { q } of answered) expect(review.replace(/\s+/g, " ")).toContain(marker(q.explanation));

  // The certificate, then the public verification page, signed out.
  await tabTo(page, page.getByRole("link", { name: "Your certificate" }));
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/certificates\/PA-/);
  await ready(page);
  await expect(page.locator(".certificate-name")).toHaveText("Kim Keyboard");
  await expect(page.locator(".certificate")).toContainText("Foundation exam with a score of 100%");
  await axe(page);
  const code = page.url().split("/certificates/")[1];
  expect(code).toMatch(/^PA-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  // On paper a path is no use: the full address is printed.
  const origin = new URL(page.url()).origin;
  await expect(page.locator(".certificate-address")).toHaveText(`${origin}/verify?code=${code}`);

  await page.context().clearCookies();
  await gotoReady(page, "/verify");
  await tabTo(page, page.getByLabel("Verification code"));
  // Typed as people type it: lower case, no dashes.
  await page.keyboard.type(code.replace(/-/g, "").toLowerCase());
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "This certificate is genuine" })).toBeVisible();
  const facts = page.locator(".verified");
  await expect(facts).toContainText("Kim Keyboard");
  await expect(facts).toContainText("PACS Academy Foundation exam");
  await expect(facts).toContainText("Passed, 100%");
  await axe(page);
  await gotoReady(page, "/verify?code=PA-AAAA-AAAA-AAAA");
  await expect(page.getByRole("heading", { name: "No certificate has this code" })).toBeVisible();

  // Signed out, the attempt itself is not shown to anyone.
  await page.goto(attemptUrl);
  await expect(page.getByRole("heading", { name: "Please sign in" })).toBeVisible();
});

test("a failed save is shown, retried, and saved without losing the choice", async ({ page }) => {
  const questions = bank("foundation");
  await signUp(page, "Olu Offline");
  await gotoReady(page, "/exams");
  await startExam(page, "Foundation exam");
  await expect(page).toHaveURL(/\/exams\/attempts\/\d+/);
  await ready(page);
  // The network drops: every save fails until it comes back.
  let failures = 0;
  await page.route("**/api/exam/save", (route) => {
    failures++;
    return route.abort("internetdisconnected");
  });
  const { keyPositions } = await shownQuestion(page, questions);
  await page.locator(".exam-option input").nth(keyPositions[0]).check();
  await expect(page.locator(".exam-save-banner")).toContainText("Not saved yet: question 1");
  await expect(page.locator(".exam-save-state")).toContainText("Trying again in");
  await expect.poll(() => failures).toBeGreaterThanOrEqual(2);
  await page.unroute("**/api/exam/save");
  await expect(page.locator(".exam-save-state")).toHaveText("Saved.", { timeout: 20_000 });
  await expect(page.locator(".exam-save-banner")).toBeEmpty();
  // The server has it: a fresh load shows it chosen.
  await page.reload();
  await ready(page);
  await expect(page.locator(".exam-option input").nth(keyPositions[0])).toBeChecked();
});

test("a choice made before the page is interactive is kept, saved, and still there after a reload", async ({ page }) => {
  await signUp(page, "Pat Prehydration");
  await gotoReady(page, "/exams");
  await startExam(page, "Foundation exam");
  await expect(page).toHaveURL(/\/exams\/attempts\/\d+/);
  await ready(page);
  const attemptUrl = page.url().split("?")[0];
  // The first answer is saved as usual; the candidate then changes it in
  // the window where the page shows but its code has not arrived.
  await page.locator(".exam-option input").nth(0).check();
  await expect(page.locator(".exam-save-state")).toHaveText("Saved.");

  let release!: () => void;
  const wasmHeld = new Promise<void>((r) => (release = r));
  await page.route("**/pkg/*.wasm", async (route) => {
    await wasmHeld;
    await route.continue();
  });
  await page.goto(attemptUrl, { waitUntil: "domcontentloaded" });
  const options = page.locator(".exam-option input");
  // The paper's order is the attempt's own, so the first question may take
  // one answer (radio buttons: the new choice replaces the saved one) or
  // several (checkboxes: the new choice joins it).
  const single = (await options.nth(0).getAttribute("type")) === "radio";
  // The server-rendered page already shows the saved answer.
  await expect(options.nth(0)).toBeChecked();
  expect(await page.evaluate(() => (window as any).__pacsHydrated === true)).toBe(false);
  await page.locator(".exam-option label").nth(1).click();
  await expect(options.nth(1)).toBeChecked();
  release();
  await ready(page);
  await expect(options.nth(1)).toBeChecked();
  await expect(options.nth(0)).toBeChecked({ checked: !single });
  await expect(page.locator(".exam-save-state")).toHaveText("Saved.");
  await page.unroute("**/pkg/*.wasm");

  await page.reload();
  await ready(page);
  await expect(options.nth(1)).toBeChecked();
  await expect(options.nth(0)).toBeChecked({ checked: !single });
  // The exams page shows the attempt in progress: answered count and time left.
  await gotoReady(page, "/exams");
  const card = page.locator(".exam-card").filter({ hasText: "Foundation exam" });
  await expect(card.locator(".exam-in-progress")).toContainText(/1 of 6 questions answered; \d+ minutes left \(until /);
  await card.getByRole("link", { name: "Resume your attempt" }).click();
  await expect(page).toHaveURL(new RegExp(`${attemptUrl}(\\?q=\\d+)?$`));
});

test("without scripts a candidate is asked, starts the exam, and lands on the first question", async ({ browser }) => {
  const setup = await browser.newPage();
  await signUp(setup, "Nia Noscript");
  const state = await setup.context().storageState();
  await setup.close();
  const context = await browser.newContext({ javaScriptEnabled: false, storageState: state });
  const page = await context.newPage();
  await page.goto("/exams");
  const card = page.locator(".exam-card").filter({ hasText: "Foundation exam" });
  await card.getByRole("link", { name: "Start the exam" }).click();
  await expect(page).toHaveURL(/\/exams\?start=foundation#start-foundation$/);
  await expect(card.getByRole("region", { name: "Start the PACS Academy Foundation exam now?" })).toContainText("This will be attempt 1 of");
  await card.getByRole("button", { name: "Start now" }).click();
  await expect(page).toHaveURL(/\/exams\/attempts\/\d+$/);
  await expect(page.getByRole("heading", { name: "Question 1 of 6" })).toBeVisible();
  await context.close();
});

test("a one-minute exam runs out and is submitted without the candidate", async ({ page }) => {
  test.setTimeout(150_000);
  await signUp(page, "Tam Timer");
  await gotoReady(page, "/exams");
  await startExam(page, "Intermediate exam");
  await expect(page).toHaveURL(/\/exams\/attempts\/\d+/);
  await ready(page);
  const timer = page.getByRole("timer");
  await expect(timer).toHaveAttribute("aria-label", /Time left: (1 minute|\d+ seconds)/);
  expect(await timerSeconds(page)).toBeLessThanOrEqual(60);
  // The warnings are read out by a polite live region, not the ticking clock.
  await expect(page.locator(".exam-warning")).toHaveAttribute("aria-live", "polite");
  await page.locator(".exam-option input").first().check();
  await expect(page.locator(".exam-save-state")).toHaveText("Saved.");
  // No further action: the page submits when the server's time is up.
  await expect(page).toHaveURL(/\/exams\/results\/\d+/, { timeout: 90_000 });
  await ready(page);
  await expect(page.locator(".result-summary")).toContainText("submitted automatically when the time ran out");
  await expect(page.locator(".review-item")).toHaveCount(10);
  await expect(page.locator(".review-item h3").filter({ hasText: "Not answered" })).toHaveCount(9);
  // Not passed, with attempts left: which answers were right, but no key or
  // explanation, and a sentence saying when they will be shown.
  await expect(page.locator(".review-withheld")).toHaveText(
    /The answers will be shown when you pass or after your last attempt \(you have 49 attempts left\)\./,
  );
  await expect(page.locator(".review-option.correct")).toHaveCount(0);
  // Not passed: what to do next, with the topics below the pass mark linked to their modules.
  const next = page.getByRole("region", { name: "What to do next" });
  await expect(next).toContainText("You need 70% to pass");
  await expect(next.locator("li a").first()).toHaveAttribute("href", /^\/(intermediate|exercises)\//);
  // The review can show only the questions not answered right, with jump links to each.
  const notRight = await page.locator(".review-item:not(.review-right)").count();
  expect(notRight).toBeGreaterThanOrEqual(9);
  await page.getByRole("link", { name: /^Only wrong or not answered/ }).click();
  await expect(page).toHaveURL(/\?show=wrong#review-heading$/);
  await expect(page.locator(".review-item")).toHaveCount(notRight);
  await expect(page.locator(".review-jump a")).toHaveCount(notRight);
  await page.getByRole("link", { name: /^All questions/ }).click();
  await expect(page.locator(".review-item")).toHaveCount(10);
  await expect(page.locator(".review-explanation h4")).toHaveCount(0);
  await expect(page.locator(".exam-review")).not.toContainText("(correct)");
  await axe(page);
});
