import { test, expect } from "@playwright/test";
import { gotoReady, moduleLinks } from "./helpers";

test("at 360 px nothing scrolls sideways and the contents come before the lesson", async ({ page }) => {
  const modules = [...(await moduleLinks(page, "foundation")), ...(await moduleLinks(page, "intermediate"))];
  for (const path of ["/", "/foundation", "/intermediate", ...modules.map((m) => m.href), "/nope/x/y"]) {
    await page.goto(path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await gotoReady(page, modules[0].href);
  const tocTop = await page.locator(".toc").evaluate((el) => el.getBoundingClientRect().top);
  const proseTop = await page.locator(".prose").evaluate((el) => el.getBoundingClientRect().top);
  expect(tocTop).toBeLessThan(proseTop);
});

test("at 360 px the labs and every exercise keep wide content in its own scrolling box", async ({ page }) => {
  test.setTimeout(120_000);
  const kinds = [
    "hl7-read-value", "hl7-locate-field", "hl7-trigger-event", "hl7-spot-defect", "hl7-merge", "hl7-build-ack",
    "dicom-decode-element", "dicom-transfer-syntax", "dicom-find-attribute", "dicom-information-model",
    "dicom-network-config", "dicom-worklist-matching", "dicom-vr",
  ];
  const paths = ["/hl7", "/dicom", "/hl7/explain", "/dicom/explain", "/exercises", "/exams", "/verify"];
  for (const kind of kinds) for (const level of ["foundation", "intermediate"]) paths.push(`/exercises/${kind}/${level}/7`);
  for (const path of paths) {
    await gotoReady(page, path);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
});
