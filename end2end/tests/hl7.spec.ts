import { test, expect, Page } from "@playwright/test";
import { gotoReady } from "./helpers";

/** Presses a key until the focused explorer part has `path` (or gives up). */
async function arrowTo(page: Page, path: string, key = "ArrowDown", max = 400) {
  for (let i = 0; i < max; i++) {
    const at = await page.evaluate(() => document.activeElement?.getAttribute("data-path"));
    if (at === path) return;
    await page.keyboard.press(key);
  }
  throw new Error(`never reached ${path} with ${key}`);
}

test("the explorer names PID-5 on hover", async ({ page }) => {
  await gotoReady(page, "/hl7");
  const explorer = page.locator("#lab-example");
  const details = explorer.locator(".explorer-details");
  await expect(details).toContainText("Select a part");
  await explorer.locator('[data-path="PID-5"]').hover({ position: { x: 2, y: 2 } });
  // Hovering the field's first component shows the component; the field's
  // own edge shows the field. Either way the panel names the path it shows.
  await explorer.locator('[data-path="PID-5"] > [role=group] > [data-path="PID-5.1"]').hover();
  await expect(details).toContainText("PID-5.1");
  await expect(details).toContainText("Patient Name / Family Name");
  await explorer.locator('[data-path="PID-8"]').hover();
  await expect(details).toContainText("Administrative Sex");
  await expect(details).toContainText("IS");
  await expect(details.locator("dd").filter({ hasText: /^(Female|Male|Unknown|Other)$/ })).toHaveCount(1);
});

test("the explorer works by keyboard: Tab in, arrows to PID-5, names it, Enter selects", async ({ page }) => {
  await gotoReady(page, "/hl7");
  const explorer = page.locator("#lab-example");
  await explorer.getByLabel("Hide names").focus();
  await page.keyboard.press("Tab");
  const first = explorer.locator('[role=treeitem][data-path="MSH"]');
  await expect(first).toBeFocused();
  // Down moves part by part; Right goes inside a row; Left comes back out.
  await arrowTo(page, "PID");
  await page.keyboard.press("ArrowRight");
  await expect(explorer.locator('[data-path="PID-1"]')).toBeFocused();
  await arrowTo(page, "PID-5");
  const pid5 = explorer.locator('[data-path="PID-5"]');
  await expect(pid5).toBeFocused();
  await expect(pid5).toHaveAttribute("aria-label", /^PID-5 Patient Name: /);
  await expect(pid5).toHaveAttribute("tabindex", "0");
  await expect(explorer.locator(".explorer-details")).toContainText("Patient Name");
  await expect(explorer.locator(".explorer-details")).toContainText("XPN");
  await page.keyboard.press("Enter");
  await expect(pid5).toHaveAttribute("aria-selected", "true");
  await page.keyboard.press("ArrowLeft");
  await expect(explorer.locator('[role=treeitem][data-path="PID"]')).toBeFocused();
  // Only one part is ever in the tab order.
  await expect(explorer.locator('[role=treeitem][tabindex="0"]')).toHaveCount(1);
});

test("hide names keeps paths and values but hides names", async ({ page }) => {
  await gotoReady(page, "/hl7");
  const explorer = page.locator("#lab-example");
  await explorer.getByLabel("Hide names").check();
  const pid5 = explorer.locator('[data-path="PID-5"]');
  await expect(pid5).toHaveAttribute("aria-label", /^PID-5: /);
  await pid5.focus();
  await expect(explorer.locator(".explorer-details")).toContainText("PID-5");
  await expect(explorer.locator(".explorer-details")).not.toContainText("Patient Name");
  await explorer.getByLabel("Hide names").uncheck();
  await expect(pid5).toHaveAttribute("aria-label", /^PID-5 Patient Name: /);
});

test("module hl7 blocks are explorers", async ({ page }) => {
  await gotoReady(page, "/foundation/hl7-message-structure");
  const block = page.locator(".prose .hl7-explorer").first();
  await expect(block).toBeVisible();
  await block.locator('[data-path="MSH-9"]').first().hover({ position: { x: 2, y: 2 } });
  await expect(block.locator(".explorer-details")).toContainText("Message Type");
});

test("explain my message: parsed in the browser, never sent to the server", async ({ page }) => {
  const marker = "QUOKKAZEBRA";
  const leaks: string[] = [];
  page.on("request", (r) => {
    const body = r.postData() ?? "";
    if (r.url().includes(marker) || body.includes(marker)) leaks.push(`${r.method()} ${r.url()}`);
  });
  const seen: string[] = [];
  page.on("request", (r) => seen.push(r.url()));
  await gotoReady(page, "/hl7/explain");
  const before = seen.length;
  const message = [
    "MSH|^~\\&|PAS|RZZ1|RIS|RZZ1|20250314091500||ADT^A01^ADT_A01|MSG7|P|2.5.1",
    "EVN|A01|20250314091500",
    `PID|1||RZZ1234567^^^RZZ1^MR~9990001234^^^NHS^NH||${marker}^JANE||19740312|F`,
    "PV1|1|I|W12^B3^1",
  ].join("\n");
  await page.getByLabel("HL7 v2 message").fill(message);
  const explorer = page.locator("#explain-hl7");
  await expect(explorer).toBeVisible();
  await expect(page.getByRole("heading", { name: /ADT\^A01\^ADT_A01 — Admit\/visit notification/ })).toBeVisible();
  await explorer.locator('[data-path="PID-5.1"]').hover();
  await expect(explorer.locator(".explorer-details")).toContainText(marker);
  const table = page.getByRole("region", { name: "Field by field" });
  await expect(table.getByRole("row", { name: /PID-8/ })).toContainText("Female");
  // Load an example too: still nothing goes to the server.
  await page.getByRole("button", { name: "Example ORU^R01" }).click();
  await expect(page.getByRole("heading", { name: /ORU\^R01/ })).toBeVisible();
  await page.waitForTimeout(300);
  expect(leaks).toEqual([]);
  expect(seen.slice(before), "no request at all after the page loaded").toEqual([]);
});

test("explain my message: malformed input gets line, column and what was expected", async ({ page }) => {
  await gotoReady(page, "/hl7/explain");
  await page.getByLabel("HL7 v2 message").fill("PID|1||123\nPV1|1|I");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("Line 1, column 1");
  await expect(alert).toContainText("MSH");
  await page.getByLabel("HL7 v2 message").fill("MSH|^~\\&|A|B\nPI|1");
  await expect(alert).toContainText("Line 2, column 1");
  await expect(alert).toContainText("segment ID");
});

/** The lowest contrast ratio between the text inside `el` and the background behind it. */
async function lowestContrast(page: Page, selector: string) {
  return page.locator(selector).evaluate((root) => {
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const lum = (c: number[]) => {
      const [r, g, b] = c.slice(0, 3).map((v) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const background = (el: Element | null): number[] => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || (c.length === 4 && c[3] > 0)) return c;
      }
      return [255, 255, 255];
    };
    let lowest = Infinity;
    for (const el of [root, ...Array.from(root.querySelectorAll("*"))]) {
      const ownText = Array.from(el.childNodes).some((n) => n.nodeType === 3 && n.textContent!.trim() !== "");
      if (!ownText) continue;
      const [a, b] = [lum(rgb(getComputedStyle(el).color)), lum(background(el))];
      lowest = Math.min(lowest, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
    }
    return lowest;
  });
}

for (const scheme of ["light", "dark"] as const) {
  test(`the selected part stays readable while its segment has focus (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    await gotoReady(page, "/hl7");
    const explorer = page.locator("#lab-example");
    await explorer.getByLabel("Hide names").focus();
    await page.keyboard.press("Tab");
    await arrowTo(page, "PID");
    await page.keyboard.press("ArrowRight");
    await arrowTo(page, "PID-5");
    await page.keyboard.press("Enter");
    const pid5 = '#lab-example [data-path="PID-5"]';
    await expect(page.locator(pid5)).toHaveAttribute("aria-selected", "true");
    expect(await lowestContrast(page, pid5), "selected and focused").toBeGreaterThanOrEqual(4.5);
    // Focus moves out to the segment; the selection stays and must be legible.
    await page.keyboard.press("ArrowLeft");
    await expect(explorer.locator('[role=treeitem][data-path="PID"]')).toBeFocused();
    expect(await lowestContrast(page, pid5), "selected inside the focused segment").toBeGreaterThanOrEqual(4.5);
  });
}
