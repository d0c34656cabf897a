import { Page, expect } from "@playwright/test";

const watched = new WeakSet<Page>();
const problems = new WeakMap<Page, string[]>();

/** Records browser errors so a failed wait can say what went wrong. */
function watch(page: Page) {
  if (watched.has(page)) return;
  watched.add(page);
  problems.set(page, []);
  page.on("pageerror", (e) => problems.get(page)!.push(`page error: ${e.message}`));
  page.on("console", (m) => {
    if (m.type() === "error") problems.get(page)!.push(`console: ${m.text()}`);
  });
  page.on("requestfailed", (r) => problems.get(page)!.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
}

/**
 * Waits until the page's script is running: the application has hydrated,
 * or on a reading page (home, courses, modules, not found) the small reader
 * has started.
 */
export async function ready(page: Page) {
  watch(page);
  try {
    await page.waitForFunction(() => (window as any).__pacsReady === true, null, { timeout: 15_000 });
  } catch (e) {
    throw new Error(`page ${page.url()} did not start its script; browser said:\n${problems.get(page)!.join("\n")}\n${e}`);
  }
  // The policy admits no inline script without the response's nonce: a
  // script it blocked would show here, on every page a test hydrates.
  const blocked = problems.get(page)!.filter((p) => p.includes("Content Security Policy"));
  if (blocked.length > 0) throw new Error(`page ${page.url()} broke its CSP:\n${blocked.join("\n")}`);
}

/** Opens `path` and waits for its script (see `ready`). */
export async function gotoReady(page: Page, path: string) {
  watch(page);
  const response = await page.goto(path);
  await ready(page);
  return response;
}

/** The first modules of each course, read from the course page itself. */
export async function moduleLinks(page: Page, level: "foundation" | "intermediate") {
  await page.goto(`/${level}`);
  const links = page.locator(".module-list h2 a");
  await expect(links.first()).toBeVisible();
  return links.evaluateAll((as) => as.map((a) => ({ href: a.getAttribute("href")!, title: a.textContent!.trim() })));
}

/** Creates a learner account at Northgate with a fresh address and lands on the dashboard. */
export async function signUpLearner(page: Page, name: string, password = "violet harbour pencil") {
  await gotoReady(page, "/signup");
  await page.getByLabel("Full name").fill(name);
  const slug = name.toLowerCase().replace(/[^a-z]+/g, ".");
  await page.getByLabel("Email address").fill(`${slug}.${Date.now()}.${Math.floor(Math.random() * 1e6)}@northgate.test`);
  await page.getByLabel("Organisation").selectOption({ label: "Northgate Hospitals NHS Trust" });
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}
