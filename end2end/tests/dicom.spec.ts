import { test, expect } from "@playwright/test";
import { gotoReady } from "./helpers";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

test("the DICOM lab: the byte dump and the tree select together", async ({ page }) => {
  await gotoReady(page, "/dicom");
  const explorer = page.locator("#lab-dicom");
  await expect(explorer).toBeVisible();
  // Click the Patient ID row in the tree: its bytes are selected in the dump.
  const row = explorer.locator('.dcm-row[aria-level="1"][data-keyword="PatientID"]');
  await row.click();
  await expect(row).toHaveAttribute("aria-selected", "true");
  const n = await row.getAttribute("data-row");
  const bytes = explorer.locator(`button.dcm-r[data-row="${n}"]`);
  expect(await bytes.count()).toBeGreaterThanOrEqual(3); // tag, VR, length, value
  for (const b of await bytes.all()) await expect(b).toHaveClass(/is-selected/);
  const details = explorer.locator(".explorer-details");
  await expect(details).toContainText("(0010,0020)");
  await expect(details).toContainText("Patient ID");
  await expect(details).toContainText("LO (Long String)");

  // Click the length bytes of Rows: the tree selects Rows and the panel
  // explains how the length was read.
  const rows = explorer.locator('.dcm-row[aria-level="1"][data-keyword="Rows"]');
  const rowsN = await rows.getAttribute("data-row");
  await explorer.locator(`button.dcm-r[data-row="${rowsN}"][data-kind="length"]`).click();
  await expect(rows).toHaveAttribute("aria-selected", "true");
  await expect(row).toHaveAttribute("aria-selected", "false");
  await expect(details).toContainText("length bytes 02 00 read as 2-byte little endian = 2");
  await expect(details).toContainText("US (Unsigned Short)");
});

test("the DICOM explorer works by keyboard", async ({ page }) => {
  await gotoReady(page, "/dicom");
  const explorer = page.locator("#lab-dicom");
  const first = explorer.locator(".dcm-row").first();
  await first.focus();
  await expect(first).toBeFocused();
  await page.keyboard.press("ArrowDown");
  const second = explorer.locator(".dcm-row").nth(1);
  await expect(second).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(second).toHaveAttribute("aria-selected", "true");
  await expect(explorer.locator('.dcm-row[tabindex="0"]')).toHaveCount(1);
  // In the bytes, → moves field by field and Enter selects.
  const firstByte = explorer.locator("button.dcm-r").first();
  await firstByte.focus();
  await page.keyboard.press("ArrowRight");
  const next = explorer.locator("button.dcm-r").nth(1);
  await expect(next).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(explorer.locator(".explorer-details")).toContainText("Bytes");
});

test("synthetic files download as DICOM", async ({ page, request }) => {
  await gotoReady(page, "/dicom");
  const link = page.getByRole("link", { name: /Download MR-/ });
  const href = (await link.getAttribute("href"))!;
  const res = await request.get(href);
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toBe("application/dicom");
  const body = await res.body();
  expect(body.subarray(128, 132).toString("latin1")).toBe("DICM");
  const bad = await request.get("/dicom/files/XX/1/0");
  expect(bad.status()).toBe(404);
});

test("explain my file: read in the browser, never uploaded; truncation gives the offset", async ({ page, request }) => {
  const file = Buffer.from(await (await request.get("/dicom/files/CT/11/0")).body());
  const requests: { url: string; size: number }[] = [];
  page.on("request", (r) => requests.push({ url: r.url(), size: r.postDataBuffer()?.length ?? 0 }));
  await gotoReady(page, "/dicom/explain");
  const before = requests.length;

  await page.getByLabel("Choose a DICOM file").setInputFiles({ name: "ct.dcm", mimeType: "application/dicom", buffer: file });
  const explorer = page.locator("#explain-dicom");
  await expect(explorer).toBeVisible();
  await expect(page.getByRole("heading", { name: `ct.dcm (${file.length} bytes)` })).toBeVisible();
  await expect(explorer.locator('.dcm-row[data-keyword="PixelData"]')).toHaveCount(1);
  await expect(explorer.locator('.dcm-row[data-keyword="TransferSyntaxUID"]')).toContainText("1.2.840.10008.1.2.1");

  // Cut the file in the middle of the data set.
  const cut = file.subarray(0, Math.floor(file.length * 0.6));
  await page.getByLabel("Choose a DICOM file").setInputFiles({ name: "cut.dcm", mimeType: "application/dicom", buffer: cut });
  const alert = page.getByRole("alert");
  await expect(alert).toContainText(/Reading stopped at byte \d+/);
  await expect(page.locator("#explain-dicom .dcm-row[aria-level='1'][data-keyword='PatientID']")).toHaveCount(1);

  // A file that is not DICOM at all is called that, not a tag error.
  await page.getByLabel("Choose a DICOM file").setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("this is not DICOM at all, just text") });
  await expect(page.getByRole("alert")).toContainText("notes.txt: This is not a DICOM file");
  await expect(page.getByRole("alert")).toContainText("It looks like a text file.");
  await expect(page.locator("#explain-dicom")).toHaveCount(0);
  // Garbage that starts like a data element is read as far as it goes.
  const junk = Buffer.concat([Buffer.from([0x08, 0x00, 0x05, 0x00, 0x43, 0x53, 0xff, 0x7f]), Buffer.from("x".repeat(40))]);
  await page.getByLabel("Choose a DICOM file").setInputFiles({ name: "junk.bin", mimeType: "application/octet-stream", buffer: junk });
  await expect(page.getByRole("heading", { name: /junk\.bin/ })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText(/byte \d+/);

  await page.waitForTimeout(300);
  const after = requests.slice(before);
  expect(after, "no request at all after the page loaded").toEqual([]);
});

test("explain my file: a 100 MB file is read and the page stays responsive", async ({ page, request }) => {
  test.setTimeout(90_000);
  // A real synthetic CT header whose Pixel Data (OW) is made 100 MiB long.
  const file = Buffer.from(await (await request.get("/dicom/files/CT/5/0")).body());
  const at = file.lastIndexOf(Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57]));
  expect(at).toBeGreaterThan(132);
  const size = 100 * 1024 * 1024;
  const header = Buffer.alloc(12);
  Buffer.from([0xe0, 0x7f, 0x10, 0x00, 0x4f, 0x57, 0, 0]).copy(header);
  header.writeUInt32LE(size, 8);
  const big = path.join(os.tmpdir(), `pacs-big-${process.pid}.dcm`);
  fs.writeFileSync(big, Buffer.concat([file.subarray(0, at), header, Buffer.alloc(size)]));
  try {
    await gotoReady(page, "/dicom/explain");
    await page.getByLabel("Choose a DICOM file").setInputFiles(big);
    const explorer = page.locator("#explain-dicom");
    await expect(explorer).toBeVisible({ timeout: 30_000 });
    await expect(page.getByRole("alert")).toHaveCount(0);
    // Pixel data is summarised: the dump elides it instead of showing 100 MiB.
    await expect(explorer.locator(".dcm-gap").first()).toContainText("bytes not shown");
    const row = explorer.locator('.dcm-row[data-keyword="PixelData"]');
    await row.click();
    await expect(explorer.locator(".explorer-details")).toContainText("Pixel Data");
    await expect(explorer.locator(".explorer-details")).toContainText(`= ${size} (0x`);
  } finally {
    fs.rmSync(big, { force: true });
  }
});
