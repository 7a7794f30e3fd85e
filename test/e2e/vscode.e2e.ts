import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ServerCapabilities } from "vscode-languageserver-protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Browser, type BrowserServer, type Page, loadChromium } from "./playwright";
import {
  EXPECTED_HOVER_TEXT,
  MAIN_CF,
  MASTER_CF,
  ROOT,
  TOOLS,
  freePort,
  outputDir,
  serverCapabilities,
  sleep,
  stopPid,
  waitFor,
} from "./support";

/**
 * The packaged extension in real VS Code: code-server (VS Code 1.100 served to a
 * browser, the extension running on the server side as in Remote-SSH) driven by
 * Debian's headless Chromium through playwright-core. Each step looks at the
 * workbench as a user would and saves a screenshot to test/output/e2e/.
 */

const CODE_SERVER = join(TOOLS, "node_modules/code-server/out/node/entry.js");
const VSIX = join(ROOT, "dist/postfix-lsp.vsix");
const SHOTS = outputDir();

let capabilities: ServerCapabilities;
let temp: string;
let workspace: string;
let codeServer: ChildProcess | undefined;
let browserServer: BrowserServer | undefined;
let browser: Browser | undefined;
let page: Page;

/** Environment for code-server and Chromium: config, data and caches stay in our temp dir. */
function codeServerEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    XDG_CONFIG_HOME: join(temp, "xdg-config"),
    XDG_DATA_HOME: join(temp, "xdg-data"),
    XDG_CACHE_HOME: join(temp, "xdg-cache"),
    // Options of the test runner's Node must not leak into code-server.
    NODE_OPTIONS: "",
  };
}

function codeServerArgs(): string[] {
  return [
    "--config",
    join(temp, "config.yaml"),
    "--user-data-dir",
    join(temp, "user-data"),
    "--extensions-dir",
    join(temp, "extensions"),
  ];
}

async function shot(name: string): Promise<string> {
  const path = join(SHOTS, `vscode-${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** Runs a step; on failure saves what the screen showed before rethrowing. */
async function step(name: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    await shot(`${name}-FAILED`).catch(() => undefined);
    throw error;
  }
}

async function text(selector: string): Promise<string> {
  const locator = page.locator(selector).first();
  return (await locator.count()) > 0 ? ((await locator.textContent()) ?? "") : "";
}

/** Opens a workspace file the way a user does: Quick Open (Ctrl+P), its name, Enter. */
async function openFile(name: string): Promise<void> {
  await page.keyboard.press("Escape");
  await page.keyboard.press("Control+P");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible", timeout: 15_000 });
  await page.keyboard.type(name, { delay: 20 });
  await page
    .locator(".quick-input-widget .monaco-list-row")
    .filter({ hasText: name })
    .first()
    .waitFor({ state: "visible", timeout: 15_000 });
  await page.keyboard.press("Enter");
  await waitFor(
    `the ${name} tab`,
    async () => ((await text(".tabs-container .tab.active")).includes(name) ? true : undefined),
    15_000,
  );
}

async function languageMode(): Promise<string> {
  return (await text('[id="status.editor.mode"]')).trim();
}

/** The text of the rendered lines of the active editor, top to bottom. */
async function editorLines(): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const editor = document.querySelector(".editor-group-container.active .monaco-editor");
    const lines = [...(editor ? editor.querySelectorAll(".view-lines .view-line") : [])];
    lines.sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
    return lines.map((line) => line.textContent.replace(/\\u00a0/g, " "));
  })()`);
}

/** The computed colour of the first rendered token whose text matches. */
async function tokenColour(expression: string): Promise<string | undefined> {
  return page.evaluate<string | undefined>(`(() => {
    const editor = document.querySelector(".editor-group-container.active .monaco-editor");
    const spans = [...(editor ? editor.querySelectorAll(".view-lines .view-line span span") : [])];
    const text = (span) => span.textContent.replace(/\\u00a0/g, " ");
    const span = spans.find((span) => ${expression});
    return span ? getComputedStyle(span).color : undefined;
  })()`);
}

async function defaultForeground(): Promise<string> {
  return page.evaluate<string>(`(() => {
    const lines = document.querySelector(".editor-group-container.active .monaco-editor .view-lines");
    return getComputedStyle(lines).color;
  })()`);
}

beforeAll(async () => {
  // Screenshots of an earlier run must not pass for this run's.
  for (const file of readdirSync(SHOTS)) if (file.startsWith("vscode-")) rmSync(join(SHOTS, file));
  // The .vsix a user installs (also rebuilds dist/server.js, which the probe below runs).
  execFileSync("npm", ["run", "package", "--silent"], { cwd: ROOT, stdio: "inherit" });
  capabilities = await serverCapabilities();

  temp = mkdtempSync(join(tmpdir(), "postfix-lsp-e2e-vscode-"));
  workspace = join(temp, "workspace");
  mkdirSync(workspace);
  writeFileSync(join(workspace, "main.cf"), MAIN_CF);
  writeFileSync(join(workspace, "master.cf"), MASTER_CF);
  mkdirSync(join(temp, "user-data/User"), { recursive: true });
  writeFileSync(
    join(temp, "user-data/User/settings.json"),
    JSON.stringify(
      {
        "workbench.colorTheme": "Default Dark Modern",
        "workbench.startupEditor": "none",
        "workbench.tips.enabled": false,
        "workbench.welcomePage.walkthroughs.openOnInstall": false,
        "extensions.ignoreRecommendations": true,
        "security.workspace.trust.enabled": false,
        "telemetry.telemetryLevel": "off",
        "update.mode": "none",
        "editor.minimap.enabled": false,
        "editor.hover.delay": 300,
        // No fade-in animations, so that a screenshot never catches a half-drawn hover.
        "workbench.reduceMotion": "on",
        // Suggestions open only when asked for (Ctrl+Space), and only the server's:
        // no list pops up while typing, and no words collected from the document.
        "editor.quickSuggestions": { other: "off", comments: "off", strings: "off" },
        "editor.suggestOnTriggerCharacters": false,
        "editor.wordBasedSuggestions": "off",
        "chat.commandCenter.enabled": false,
      },
      null,
      2,
    ),
  );
  writeFileSync(join(temp, "config.yaml"), "auth: none\ncert: false\n");

  execFileSync(
    process.execPath,
    [CODE_SERVER, ...codeServerArgs(), "--install-extension", VSIX, "--force"],
    { cwd: temp, env: codeServerEnv(), stdio: ["ignore", "pipe", "inherit"], timeout: 120_000 },
  );

  const port = await freePort();
  const log = openSync(join(SHOTS, "vscode-code-server.log"), "w");
  codeServer = spawn(
    process.execPath,
    [
      CODE_SERVER,
      ...codeServerArgs(),
      "--auth",
      "none",
      "--bind-addr",
      `127.0.0.1:${port}`,
      "--disable-telemetry",
      "--disable-update-check",
      "--disable-workspace-trust",
      "--ignore-last-opened",
      workspace,
    ],
    // Its own process group, so that stopping it also stops the extension host and
    // our language server that it started.
    { cwd: temp, env: codeServerEnv(), stdio: ["ignore", log, log], detached: true },
  );
  closeSync(log);
  const base = `http://127.0.0.1:${port}`;
  await waitFor(
    "code-server to answer /healthz",
    async () => {
      if (codeServer?.exitCode !== null) throw new Error("code-server exited; see its log");
      return (await fetch(`${base}/healthz`)).ok ? true : undefined;
    },
    60_000,
    500,
  );

  browserServer = await loadChromium().launchServer({
    executablePath: "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    // Debian's Chromium keeps crash reports under $XDG_CONFIG_HOME/chromium: our temp dir.
    env: codeServerEnv(),
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
  });
  browser = await loadChromium().connect(browserServer.wsEndpoint());
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  page = await context.newPage();
  page.setDefaultTimeout(20_000);
  await step("00-startup", async () => {
    await page.goto(`${base}/?folder=${encodeURIComponent(workspace)}`, {
      waitUntil: "domcontentloaded",
      timeout: 60_000,
    });
    // The workbench is ready when the explorer lists the workspace's files.
    await page
      .locator(".explorer-folders-view .monaco-list-row")
      .filter({ hasText: "main.cf" })
      .first()
      .waitFor({ state: "visible", timeout: 90_000 });
  });
});

afterAll(async () => {
  // Stop everything we started, by pid, whatever happened above.
  await browser?.close().catch(() => undefined);
  const browserPid = browserServer?.process().pid;
  await browserServer?.close().catch(() => undefined);
  if (browserPid !== undefined) await stopPid(browserPid, true, 3_000);
  if (codeServer?.pid !== undefined) await stopPid(codeServer.pid, true, 5_000);
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe("VS Code (code-server) with the packaged extension", () => {
  it("shows the Postfix language modes in the status bar for master.cf and main.cf", async () => {
    await step("01-language-mode", async () => {
      await openFile("master.cf");
      const master = await waitFor(
        "the master.cf language mode",
        async () =>
          (await languageMode()) === "Postfix master.cf" ? "Postfix master.cf" : undefined,
        30_000,
      ).catch(async () => languageMode());
      expect(master).toBe("Postfix master.cf");
      // Once the extension is active its master.cf grammar colours the header comment.
      await waitFor(
        "the master.cf grammar's colours",
        async () => {
          const comment = await tokenColour(`text(span).includes("service type")`);
          return comment && comment !== (await defaultForeground()) ? comment : undefined;
        },
        30_000,
      );
      await shot("01-language-mode-master");

      await openFile("main.cf");
      const main = await waitFor(
        "the main.cf language mode",
        async () => ((await languageMode()) === "Postfix main.cf" ? "Postfix main.cf" : undefined),
        30_000,
      ).catch(async () => languageMode());
      expect(main).toBe("Postfix main.cf");
      await shot("01-language-mode-main");
    });
  });

  it("shows the Postfix release detected on this host in the status bar", async () => {
    await step("01-release", async () => {
      await openFile("main.cf");
      // Debian 12's postfix package is installed by the setup: postconf says 3.7.x.
      const item = page.locator(".statusbar-item").filter({ hasText: /^Postfix 3\.\d+/ });
      const shown = await waitFor(
        "the release in the status bar",
        async () => {
          const label = ((await item.count()) > 0 ? await item.first().textContent() : "") ?? "";
          return /^Postfix 3\.7\.\d+ \(host\)$/.test(label.trim()) ? label.trim() : undefined;
        },
        30_000,
      ).catch(async () => ((await item.count()) > 0 ? await item.first().textContent() : ""));
      await shot("01-release-status-bar");
      expect(shown).toMatch(/^Postfix 3\.7\.\d+ \(host\)$/);
    });
  });

  it("colours a comment and a parameter name differently", async () => {
    await step("02-token-colours", async () => {
      const foreground = await defaultForeground();
      // Tokenisation runs after the file opens: wait until the grammar has coloured the comment.
      const colours = await waitFor(
        "the grammar's colours",
        async () => {
          const comment = await tokenColour(`text(span).includes("TLS for mail we receive")`);
          const name = await tokenColour(`text(span) === "smtpd_tls_security_level"`);
          return comment && name && comment !== foreground && name !== foreground
            ? { comment, name }
            : undefined;
        },
        20_000,
      );
      await shot("02-token-colours");
      expect(colours.comment).not.toBe(colours.name);
      // Default Dark Modern: comment green, variable (our parameter names) light blue.
      expect(colours.comment).toBe("rgb(106, 153, 85)");
      expect(colours.name).toBe("rgb(156, 220, 254)");
    });
  });

  it("shows our documentation when hovering smtpd_tls_security_level", async () => {
    await step("03-hover", async () => {
      const hover = page.locator(".monaco-editor .monaco-hover:not(.hidden)").filter({
        hasText: EXPECTED_HOVER_TEXT,
      });
      await waitFor(
        "the hover with our docs",
        async () => {
          const name = page
            .locator(".editor-group-container.active .view-lines .view-line span span")
            .filter({ hasText: /^smtpd_tls_security_level$/ })
            .first();
          const box = await name.boundingBox();
          if (!box) return undefined;
          // Move away, then onto the word, as a mouse does.
          await page.mouse.move(box.x + box.width / 2, box.y + 200, { steps: 2 });
          await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
          await hover.first().waitFor({ state: "visible", timeout: 5_000 });
          return true;
        },
        45_000,
        500,
      );
      await shot("03-hover");
      const content = await hover.first().innerText();
      expect(content).toContain(EXPECTED_HOVER_TEXT);
      // The doc's title, "**smtpd_tls_security_level**", rendered in bold.
      const bold = await hover.first().locator("strong").allInnerTexts();
      expect(bold).toContain("smtpd_tls_security_level");
      await page.mouse.move(5, 400);
      await page.keyboard.press("Escape");
    });
  });

  it("lists the seeded diagnostic in the Problems panel", async () => {
    await step("04-problems", async () => {
      await page.keyboard.press("Control+Shift+M");
      const row = page
        .locator(".markers-panel .monaco-list-row")
        .filter({ hasText: "comment-after-value" })
        .first();
      await row.waitFor({ state: "visible", timeout: 30_000 });
      await shot("04-problems");
      const rowText = await row.innerText();
      expect(rowText).toContain("comment-after-value");
      expect(rowText).toMatch(/\[Ln 3, Col \d+\]/);
      const panel = await page.locator(".markers-panel").first().innerText();
      expect(panel).toContain("main.cf");
    });
  });

  it("applies a quick-fix from the light bulb", async (context) => {
    context.skip(
      !capabilities.codeActionProvider,
      "skipped: the server advertises no codeActionProvider (quick-fixes are not implemented yet)",
    );
    await step("05-quick-fix", async () => {
      await openFile("main.cf");
      const before = await editorLines();
      expect(before).toContain("smtpd_tls_security_level = may # opportunistic");
      // Put the cursor on the "# opportunistic" that the diagnostic marks, as a click would.
      const marked = page
        .locator(".editor-group-container.active .view-lines .view-line span span")
        .filter({ hasText: "opportunistic" })
        .first();
      // The breadcrumbs bar appears above the text once the server's symbols arrive and
      // moves the lines down: click until the cursor really stands on line 3.
      await waitFor(
        "the cursor on line 3",
        async () => {
          await marked.click();
          return /^Ln 3,/.test((await text('[id="status.editor.selection"]')).trim()) || undefined;
        },
        15_000,
      );
      // The light bulb appears at the start of the line, or in the gutter when the
      // line's text leaves it no room (VS Code 1.100 draws it as a glyph there).
      const bulb = page
        .locator(
          '.editor-group-container.active :is(.lightBulbWidget, [class*="codicon-gutter-lightbulb"]):visible',
        )
        .first();
      await bulb.waitFor({ state: "visible", timeout: 15_000 });
      await bulb.click();
      const actions = page.locator(".action-widget .monaco-list-row.action:not(.disabled)");
      await actions.first().waitFor({ state: "visible", timeout: 15_000 });
      const titles = (await actions.allInnerTexts()).map((title) => title.trim());
      // The rule's own fix rather than a "Disable … for this entry" suppression, if offered.
      const chosen = Math.max(
        0,
        titles.findIndex((title) => !title.startsWith("Disable ")),
      );
      await context.annotate(
        `quick-fixes offered: ${titles.join(" | ")}; applying "${titles[chosen]}"`,
      );
      await shot("05-quick-fix-menu");
      // The first action is focused; walk down to the chosen one and apply it with Enter.
      for (let step = 0; step < chosen; step++) await page.keyboard.press("ArrowDown");
      await page.keyboard.press("Enter");
      // Wait for what the action promises (the editor redraws in frames, so a first
      // difference may be half a redraw): a fix takes the comment out of the value, a
      // suppression adds its comment above the entry.
      const title = titles[chosen];
      const after = await waitFor(
        `the edit of "${title}"`,
        async () => {
          const lines = await editorLines();
          const done = title.startsWith("Disable ")
            ? lines.some((line) => line.includes("disable-next-line comment-after-value"))
            : !lines.includes("smtpd_tls_security_level = may # opportunistic") &&
              lines.includes("smtpd_tls_security_level = may");
          return done ? lines : undefined;
        },
        15_000,
      );
      if (/move the comment/i.test(title)) expect(after).toContain("# opportunistic");
      await page
        .locator(".markers-panel .monaco-list-row")
        .filter({ hasText: "comment-after-value" })
        .first()
        .waitFor({ state: "detached", timeout: 15_000 });
      await shot("05-quick-fix-applied");
    });
  });

  it("suggests dane and verify after smtp_tls_security_level = (Ctrl+Space)", async (context) => {
    context.skip(
      !capabilities.completionProvider,
      "skipped: the server advertises no completionProvider (completion is not implemented yet)",
    );
    await step("06-completion", async () => {
      await openFile("main.cf");
      // Focus the editor text and go to the empty last line.
      await page.locator(".editor-group-container.active .view-lines").first().click();
      await page.keyboard.press("Control+End");
      await page.keyboard.type("smtp_tls_security_level = ", { delay: 15 });
      await waitFor(
        "the typed line",
        async () =>
          (await editorLines()).includes("smtp_tls_security_level = ") ? true : undefined,
        10_000,
      );
      await page.keyboard.press("Escape");
      await sleep(300);
      const rows = page.locator(".editor-widget.suggest-widget.visible .monaco-list-row");
      const labels = await waitFor(
        "the suggestion list",
        async () => {
          if ((await rows.count()) === 0) {
            await page.keyboard.press("Control+Space");
            await rows.first().waitFor({ state: "visible", timeout: 5_000 });
          }
          const texts = await page
            .locator(".editor-widget.suggest-widget.visible .monaco-list-row .label-name")
            .allInnerTexts();
          return texts.length > 0 ? texts.map((label) => label.trim()) : undefined;
        },
        30_000,
        500,
      );
      await shot("06-completion");
      expect(labels).toContain("dane");
      expect(labels).toContain("verify");
      await page.keyboard.press("Escape");
    });
  });

  it("jumps from $myhostname to its assignment with F12 (Go to Definition)", async () => {
    await step("07-definition", async () => {
      await openFile("main.cf");
      const reference = page
        .locator(".editor-group-container.active .view-lines .view-line")
        .filter({ hasText: "smtpd_banner" })
        .locator("span span")
        .filter({ hasText: /myhostname/ })
        .first();
      await reference.click();
      await page.keyboard.press("F12");
      const position = await waitFor(
        "the cursor on myhostname's assignment",
        async () => {
          const where = (await text('[id="status.editor.selection"]')).trim();
          return /^Ln 2, Col 1\b/.test(where) ? where : undefined;
        },
        15_000,
      );
      await shot("07-definition");
      expect(position).toMatch(/^Ln 2, Col 1\b/);
    });
  });

  it("lists master.cf's services in the Outline", async () => {
    await step("08-outline", async () => {
      await page.locator(".tabs-container .tab").filter({ hasText: "master.cf" }).first().click();
      await waitFor(
        "the master.cf tab",
        async () =>
          (await text(".tabs-container .tab.active")).includes("master.cf") ? true : undefined,
        15_000,
      );
      // The Outline section of the Explorer, as a user opens it.
      await page
        .locator(".pane-header")
        .filter({ hasText: /^Outline/i })
        .first()
        .click();
      for (const service of ["smtp/inet", "submission/inet", "pickup/unix", "tlsmgr/unix"]) {
        await page
          .locator(".monaco-list-row")
          .filter({ hasText: service })
          .first()
          .waitFor({ state: "visible", timeout: 20_000 });
      }
      await shot("08-outline");
    });
  });
});
