import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { gotoHydrated, moduleLinks } from "./helpers";

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
  ];
}

for (const scheme of ["light", "dark"] as const) {
  test(`axe finds no violations on any page type (${scheme})`, async ({ page }) => {
    test.setTimeout(120_000);
    await page.emulateMedia({ colorScheme: scheme });
    for (const p of await pages(page)) {
      await gotoHydrated(page, p.path);
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
