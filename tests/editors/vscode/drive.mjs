// Drives VS Code (code-server 4.100.3 in headless Chromium, through playwright-core) like a user:
// open the vault, open the note, look at the squiggles, the Problems panel and the status bar,
// hover over a highlight embed, type `[[@` and accept the alias completion, open the output.
// A screenshot per step goes to $E2E_SHOTS; what was seen goes to $E2E_OUT as JSON (the
// expectations live in tests/editors/e2e.py). The DOM selectors are VS Code internals, pinned by
// the code-server version in package.json.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const { E2E_URL, E2E_OUT, E2E_SHOTS, E2E_NOTE, E2E_TOOLS, CHROMIUM } = process.env;
const require = createRequire(path.join(E2E_TOOLS, "package.json"));
const { chromium } = require("playwright-core");

const TIMEOUT = Number(process.env.E2E_TIMEOUT_MS || 30000);
const t0 = Date.now();
const result = { events: [], console_errors: [], activation_errors: [], ok: false };
const event = (name) => result.events.push([name, Date.now() - t0]);

// A hung step must still produce a report (and the screenshot of what was on the screen).
const watchdog = setTimeout(async () => {
  result.error = `watchdog: no result after ${(6 * TIMEOUT) / 1000} s`;
  await screenshot("watchdog").catch(() => {});
  writeFileSync(E2E_OUT, JSON.stringify(result, null, 1));
  process.exit(1);
}, 6 * TIMEOUT);

const profile = mkdtempSync(path.join(tmpdir(), "litnotes-e2e-chromium-"));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM,
  headless: true,
  viewport: { width: 1400, height: 900 },
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
});
const page = browser.pages()[0] ?? (await browser.newPage());
page.setDefaultTimeout(TIMEOUT);
page.on("console", (msg) => {
  if (msg.type() !== "error") return;
  const text = msg.text();
  result.console_errors.push(text);
  if (/litnotes/i.test(text) && /activat|failed|couldn't create connection|EPIPE|ENOENT/i.test(text)) {
    result.activation_errors.push(text);
  }
});
page.on("pageerror", (err) => result.console_errors.push(`pageerror: ${err.message}`));

let shot = 0;
async function screenshot(name) {
  shot += 1;
  const file = path.join(E2E_SHOTS, `${String(shot).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file });
  (result.screenshots ??= []).push(path.basename(file));
}

async function main() {
  await page.goto(E2E_URL);
  await page.locator(".monaco-workbench").waitFor();
  event("workbench");
  // Focus the workbench, then open the note with Quick Open.
  await page.locator(".monaco-workbench .part.editor").click();
  await page.keyboard.press("Control+P");
  const quickInput = page.locator(".quick-input-widget input");
  await quickInput.waitFor();
  await quickInput.fill(path.basename(E2E_NOTE));
  await page.locator(".quick-input-widget .monaco-list-row", { hasText: path.basename(E2E_NOTE, ".md") }).first().waitFor();
  await page.keyboard.press("Enter");
  const editor = page.locator(".editor-instance .monaco-editor").first();
  await editor.waitFor();
  await page.locator(".tab.active", { hasText: path.basename(E2E_NOTE) }).waitFor();
  event("note open");

  // 1. Squiggles in the editor, and the note count in the status bar.
  await page.locator(".monaco-editor .squiggly-warning").first().waitFor();
  result.squiggles = await page.locator(".monaco-editor .squiggly-warning").count();
  event("squiggles");
  const item = page.locator(".statusbar-item", { hasText: /litnotes: \d+ notes?/ });
  await item.first().waitFor();
  result.status = (await item.first().innerText()).trim();
  event("status bar");
  await screenshot("diagnostics");

  // 2. The Problems panel, filtered to the broken block reference.
  await page.keyboard.press("Control+Shift+M");
  const rows = page.locator(".markers-panel .monaco-list-row");
  await rows.first().waitFor();
  const filter = page.locator(".markers-panel-action-filter input, .viewpane-filter input").first();
  await filter.fill("29lz2rm");
  // Filtered: the file's row and the one problem.
  await page.waitForFunction(() => document.querySelectorAll(".markers-panel .monaco-list-row").length === 2);
  result.problems = [];
  for (const row of await rows.all()) {
    result.problems.push(((await row.getAttribute("aria-label")) || "") + " | " + (await row.innerText()).replace(/\s+/g, " "));
  }
  event("problems panel");
  await screenshot("problems");
  await filter.fill("");
  await page.keyboard.press("Control+J"); // hide the panel again

  // 3. Hover over the block id of the highlight embed on line 7.
  const target = page.locator(".view-lines .view-line span", { hasText: "usmx6iz5" }).last();
  await target.scrollIntoViewIfNeeded();
  const box = await target.boundingBox();
  await page.mouse.move(box.x + box.width - 12, box.y + box.height / 2);
  const hover = page.locator(".monaco-hover", { hasText: "interpretability landscape" });
  await hover.first().waitFor();
  result.hover = (await hover.first().innerText()).trim();
  event("hover");
  await screenshot("hover");
  await page.mouse.move(5, 5);
  await page.keyboard.press("Escape");

  // 4. Completion: a new last line, type `[[@`; the suggest widget opens on the trigger characters.
  await editor.click({ position: { x: 200, y: 40 } });
  await page.keyboard.press("Control+End");
  await page.keyboard.press("Enter");
  await page.keyboard.type("- see [[@", { delay: 60 });
  const suggest = page.locator(".suggest-widget .monaco-list-row");
  await page.locator(".suggest-widget .monaco-list-row", { hasText: "@bereska2024" }).first().waitFor();
  // Let the list settle (it is refiltered as each character arrives).
  await page.waitForTimeout(300);
  result.completion = [];
  for (const row of await suggest.all()) {
    result.completion.push(((await row.getAttribute("aria-label")) || (await row.innerText())).replace(/\s+/g, " "));
  }
  event("completion");
  await screenshot("completion");
  // The focused row shows its detail (the note the alias belongs to): walk down to the alias of
  // the literature note (smith2020.md claims @bereska2024 too, on purpose) and accept it with Enter.
  const focusedText = () => page.evaluate(() =>
    document.querySelector(".suggest-widget .monaco-list-row.focused")?.innerText.replace(/\s+/g, " ") ?? "");
  let picked = null;
  for (let i = 0; i < 12 && picked === null; i++) {
    const text = await focusedText();
    if (/@bereska2024/.test(text) && /bereska2024-literature-note/.test(text)) picked = text;
    else {
      await page.keyboard.press("ArrowDown");
      await page.waitForTimeout(100);
    }
  }
  if (picked === null) throw new Error("no @bereska2024 item for the literature note in the suggest widget");
  result.picked = picked;
  await page.keyboard.press("Enter");
  await page.waitForTimeout(300);
  result.accepted_line = await page.evaluate(() => {
    const lines = [...document.querySelectorAll(".editor-instance .view-lines .view-line")];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.at(-1)?.textContent.replace(/\u00a0/g, " ") ?? null;
  });
  event("completion accepted");
  await screenshot("completion-accepted");

  // 5. The status-bar item opens the output channel.
  await item.first().click();
  const out = page.locator(".output-view, .panel .monaco-editor", { hasText: "litnotes" });
  await out.first().waitFor();
  result.output = (await page.locator(".panel .view-lines").first().innerText()).replace(/\u00a0/g, " ");
  event("output");
  await screenshot("output");

  // 6. A server that cannot be found: one message with the install command. Set
  // litnotes.server.path in the Settings editor, as a user would; the extension restarts.
  await page.keyboard.press("Control+Comma");
  await page.locator(".settings-editor").waitFor();
  await page.keyboard.type("litnotes.server.path", { delay: 20 });
  // code-server is a remote window: machine-scoped settings live in the "Remote" tab.
  await page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" }).click();
  const row = page.locator(".settings-editor .monaco-list-row", { hasText: "Server: Path" }).first();
  const input = row.locator("input").first();
  await input.waitFor();
  await input.fill("/nonexistent/bin/litnotes");
  await input.press("Tab");
  const toast = page.locator(".notifications-toasts .notification-toast", { hasText: "litnotes" });
  await toast.first().waitFor();
  result.missing_message = (await toast.first().innerText()).replace(/\s+/g, " ");
  result.missing_status = (await page.locator(".statusbar-item", { hasText: "litnotes" }).first().innerText()).trim();
  event("missing server");
  await screenshot("server-missing");
  result.ok = true;
}

try {
  await main();
} catch (err) {
  result.error = String(err?.stack || err);
  await screenshot("failure").catch(() => {});
} finally {
  writeFileSync(E2E_OUT, JSON.stringify(result, null, 1));
  await browser.close();
  rmSync(profile, { recursive: true, force: true });
}
clearTimeout(watchdog);
process.exit(result.ok ? 0 : 1);
