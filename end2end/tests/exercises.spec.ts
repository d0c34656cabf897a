import { test, expect, Page } from "@playwright/test";
import { gotoReady, ready } from "./helpers";

type PartInfo = { name: string; type: "text" | "choice" | "multiple" };

/** The option texts of a choice answer ("; " joins several, and a single option's text may itself contain "; "). */
function optionTexts(p: PartInfo, answer: string) {
  return p.type === "multiple" ? answer.split("; ") : [answer];
}

/** The parts of the answer form, read from the page. */
async function parts(page: Page): Promise<PartInfo[]> {
  return page.locator(".exercise-form").evaluate((form) => {
    const out: { name: string; type: "text" | "choice" | "multiple" }[] = [];
    form.querySelectorAll("input:not([type=hidden])").forEach((i) => {
      const input = i as HTMLInputElement;
      if (out.some((p) => p.name === input.name)) return;
      out.push({ name: input.name, type: input.type === "text" ? "text" : input.type === "checkbox" ? "multiple" : "choice" });
    });
    return out;
  });
}

/** Chooses the options whose labels are (or, with `avoid`, are not) `texts`. */
async function choose(page: Page, name: string, texts: string[], avoid = false) {
  const options = page.locator(`.exercise-form input[name="${name}"]`);
  const n = await options.count();
  let picked = 0;
  for (let i = 0; i < n; i++) {
    const input = options.nth(i);
    const id = (await input.getAttribute("id"))!;
    const label = (await page.locator(`label[for="${id}"]`).textContent())!.trim();
    const match = texts.includes(label);
    if (match !== avoid && (picked === 0 || !avoid)) {
      await input.check();
      picked++;
    }
  }
  expect(picked, `options for ${name}`).toBeGreaterThan(0);
}

/** Holds the page's WASM back until the returned function is called. */
async function holdWasm(page: Page): Promise<() => void> {
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route("**/pkg/*.wasm", async (route) => {
    await held;
    await route.continue();
  });
  return release;
}

async function check(page: Page) {
  await page.getByRole("button", { name: "Check my answer" }).click();
  const heading = page.locator("#feedback-title");
  await expect(heading).toBeVisible();
  return (await heading.textContent())!.trim();
}

/** The right answer of each part, as the feedback shows it. */
async function revealed(page: Page): Promise<Record<string, string>> {
  return page.locator(".feedback [data-part]").evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute("data-part")!, e.getAttribute("data-answer") ?? ""])),
  );
}

const HL7_KINDS = [
  "hl7-read-value",
  "hl7-locate-field",
  "hl7-trigger-event",
  "hl7-spot-defect",
  "hl7-merge",
  "hl7-build-ack",
];
const DICOM_KINDS = [
  "dicom-decode-element",
  "dicom-transfer-syntax",
  "dicom-find-attribute",
  "dicom-information-model",
  "dicom-network-config",
  "dicom-worklist-matching",
  "dicom-vr",
];

for (const kind of [...HL7_KINDS, ...DICOM_KINDS]) {
  for (const difficulty of ["foundation", "intermediate"]) {
    test(`${kind} (${difficulty}): answered wrong, then right`, async ({ page }) => {
      const path = `/exercises/${kind}/${difficulty}/1234`;
      await gotoReady(page, path);
      await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
      const form = await parts(page);
      expect(form.length).toBeGreaterThan(0);

      // 0. Nothing chosen: the learner is asked for an answer, and nothing
      //    is graded, so no key is shown.
      await page.getByRole("button", { name: "Check my answer" }).click();
      await expect(page.locator(".feedback-region .notice-error")).toContainText("Choose or type an answer");
      await expect(page.locator("#feedback-title")).toHaveCount(0);
      await expect(page.locator(".feedback [data-answer]")).toHaveCount(0);

      // 1. Text parts get a wrong answer and each choice its first option:
      //    the feedback shows the right answer of every part.
      for (const p of form) {
        if (p.type === "text") await page.locator(`#answer-${p.name}`).fill("ZZZ-99");
        else await page.locator(`.exercise-form input[name="${p.name}"]`).first().check();
      }
      const first = await check(page);
      await expect(page.locator(".feedback-region .notice-error")).toHaveCount(0);
      if (form.some((p) => p.type === "text")) expect(first).toBe("Not quite");
      const answers = await revealed(page);
      for (const p of form) expect(answers[p.name], `answer for ${p.name}`).toBeTruthy();

      // 2. Every part answered, one of them wrong: still not right.
      await page.getByRole("button", { name: "Try again" }).click();
      await expect(page.locator("#feedback-title")).toHaveCount(0);
      const [wrongPart] = form;
      for (const p of form) {
        const wrong = p === wrongPart;
        if (p.type === "text") {
          await page.locator(`#answer-${p.name}`).fill(wrong ? "ZZZ-99" : answers[p.name]);
        } else {
          await choose(page, p.name, optionTexts(p, answers[p.name]), wrong);
        }
      }
      expect(await check(page)).toBe("Not quite");
      await expect(page.locator(`.feedback [data-part="${wrongPart.name}"]`).first()).toHaveClass(/part-wrong|part-feedback-single/);

      // 3. All right. A location is picked by clicking the message where the
      //    part is in it.
      await page.getByRole("button", { name: "Try again" }).click();
      for (const p of form) {
        if (p.type !== "text") {
          await choose(page, p.name, optionTexts(p, answers[p.name]));
          continue;
        }
        const input = page.locator(`#answer-${p.name}`);
        const target = page.locator(`#exercise-material [data-path="${answers[p.name]}"]`);
        if ((await input.getAttribute("class"))?.includes("path-input") && (await target.count()) === 1) {
          await target.click({ position: { x: 1, y: 1 } });
          await expect(input).not.toHaveValue("");
          await expect(target).toHaveAttribute("aria-selected", /true|false/);
        }
        await input.fill(answers[p.name]);
      }
      expect(await check(page)).toBe("Correct");
      await expect(page.locator(".feedback .explanation")).not.toBeEmpty();
      const learn = page.locator(".feedback").getByRole("link").first();
      expect(await learn.getAttribute("href")).toMatch(/^\/(foundation|intermediate)\/[a-z0-9-]+#[a-z0-9-]+$/);

      // The same address gives the same exercise.
      const prompt = await page.locator(".exercise-prompt").textContent();
      await gotoReady(page, path);
      await expect(page.locator(".exercise-prompt")).toHaveText(prompt!);
    });
  }
}

test("the exercise list links every kind at both levels", async ({ page }) => {
  await gotoReady(page, "/exercises");
  for (const kind of [...HL7_KINDS, ...DICOM_KINDS]) {
    await expect(page.locator(`a[href^="/exercises/${kind}/foundation/"]`)).toHaveCount(1);
    await expect(page.locator(`a[href^="/exercises/${kind}/intermediate/"]`)).toHaveCount(1);
  }
  await page.locator(`a[href^="/exercises/hl7-read-value/foundation/"]`).click();
  await expect(page).toHaveURL(/\/exercises\/hl7-read-value\/foundation\/\d+$/);
  await expect(page.getByRole("button", { name: "Check my answer" })).toBeVisible();
});

test("locating a field: clicking the message fills the answer", async ({ page }) => {
  await gotoReady(page, "/exercises/hl7-locate-field/foundation/77");
  const part = page.locator('#exercise-material [data-path="PID-5"]');
  await part.click({ position: { x: 1, y: 1 } });
  await expect(page.locator(".path-input")).toHaveValue(/^PID-5/);
});

test("anonymous attempts are graded but not recorded; an unknown kind is a 404", async ({ page }) => {
  const res = await page.goto("/exercises/no-such-kind/foundation/1");
  expect(res!.status()).toBe(404);
  await gotoReady(page, "/exercises/hl7-read-value/foundation/5");
  await page.locator("#answer-answer").fill("nothing");
  await check(page);
  await expect(page.locator(".feedback")).toContainText("sign in");
});

test("wrong-answer feedback states the answer once and shows code as code, not backticks", async ({ page }) => {
  // Read a value, seed 5: the explanation counts delimiters, written as `|`.
  await gotoReady(page, "/exercises/hl7-read-value/foundation/5");
  await page.locator("#answer-answer").fill("nothing");
  await check(page);
  const feedback = page.locator(".feedback");
  await expect(feedback.locator(".part-feedback-single")).toHaveText("You answered nothing.");
  await expect(feedback.getByText("The answer:")).toHaveCount(1);
  const expected = (await feedback.locator(".part-feedback-single").getAttribute("data-answer"))!;
  expect(expected.length).toBeGreaterThan(0);
  await expect(feedback.locator(".explanation")).not.toContainText("`");
  await expect(feedback.locator(".explanation code").first()).toBeVisible();
});

test("without the page's script, an answer is checked on the server and shown with its grading", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  const path = "/exercises/hl7-read-value/foundation/5";
  await page.goto(path);
  // Nothing typed: the learner is asked for an answer; no key is shown.
  await page.getByRole("button", { name: "Check my answer" }).click();
  await expect(page).toHaveURL(/\?answer=/);
  await expect(page.locator(".feedback-region .notice-error")).toContainText("Choose or type an answer");
  await expect(page.locator("#feedback-title")).toHaveCount(0);
  // A wrong answer: graded, shown with the right one, kept in its box.
  await page.locator("#answer-answer").fill("nothing");
  await page.getByRole("button", { name: "Check my answer" }).click();
  await expect(page).toHaveURL(/\?answer=.*#feedback$/);
  await expect(page.locator("#feedback-title")).toHaveText("Not quite");
  await expect(page.locator(".feedback [data-answer]").first()).not.toHaveAttribute("data-answer", "");
  await expect(page.locator("#answer-answer")).toHaveValue("nothing");
  await expect(page.locator(".feedback")).toContainText("sign in");
  // A form from elsewhere is refused.
  const forged = await page.request.post("/exercises/check", {
    form: { csrf: "forged", "exercise.kind": "hl7-read-value", "exercise.difficulty": "foundation", "exercise.seed": "5", answer: "x" },
    headers: { origin: new URL(page.url()).origin },
    maxRedirects: 0,
  });
  expect(forged.status()).toBe(403);
  await context.close();
});

test("an answer typed before the page hydrates is kept, checked and recorded", async ({ page }) => {
  await gotoReady(page, "/signup");
  await page.getByLabel("Full name").fill("Early Eve");
  await page.getByLabel("Email address").fill(`early-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.test`);
  await page.getByLabel("Organisation").selectOption({ label: "Northgate Hospitals NHS Trust" });
  await page.getByLabel("Password").fill("violet harbour pencil");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);

  // 1. Typed while the page's code is held back, then the code arrives:
  //    the answer is still there, and checking it works.
  const release = await holdWasm(page);
  await page.goto("/exercises/hl7-read-value/foundation/8", { waitUntil: "domcontentloaded" });
  expect(await page.evaluate(() => (window as any).__pacsHydrated === true)).toBe(false);
  await page.locator("#answer-answer").fill("typed early");
  release();
  await ready(page);
  await expect(page.locator("#answer-answer")).toHaveValue("typed early");
  await page.getByRole("button", { name: "Check my answer" }).click();
  await expect(page.locator("#feedback-title")).toHaveText("Not quite");
  await expect(page.locator(".feedback .part-feedback-single")).toContainText("typed early");
  await page.unroute("**/pkg/*.wasm");

  // 2. Sent before the code arrives: the browser posts the form, and the
  //    server grades and records it.
  const release2 = await holdWasm(page);
  await page.goto("/exercises/hl7-read-value/foundation/9", { waitUntil: "domcontentloaded" });
  await page.locator("#answer-answer").fill("sent early");
  await page.getByRole("button", { name: "Check my answer" }).click();
  await expect(page).toHaveURL(/\/exercises\/hl7-read-value\/foundation\/9\?answer=/);
  await expect(page.locator("#feedback-title")).toHaveText("Not quite");
  await expect(page.locator(".feedback")).not.toContainText("sign in");
  release2();
  await ready(page);
  await expect(page.locator("#feedback-title")).toHaveText("Not quite");
  await expect(page.locator("#answer-answer")).toHaveValue("sent early");
  await page.unroute("**/pkg/*.wasm");

  // Both attempts are on the learner's record.
  await gotoReady(page, "/dashboard");
  const row = page.getByRole("region", { name: "Accuracy by topic" }).getByRole("row", { name: /HL7 message structure/ });
  await expect(row.getByRole("cell")).toHaveText(["Foundation", "HL7 message structure", "2", "0%"]);
});
