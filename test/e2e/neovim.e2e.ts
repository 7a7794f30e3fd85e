import { execFileSync, spawn } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXPECTED_HOVER_TEXT, MAIN_CF, MASTER_CF, ROOT, outputDir, stopPid } from "./support";

/**
 * The language server in a client that is not VS Code: Debian's Neovim (0.7) runs
 * test/e2e/neovim-lsp.lua headless, which talks to `node dist/server.js --stdio`
 * through Neovim's built-in LSP client and writes what it saw as JSON.
 */

interface Diagnostic {
  lnum: number;
  col: number;
  severity: number;
  message: string;
  source?: string;
  code: string | number | null;
}

interface NeovimResult {
  nvim: string;
  errors: string[];
  published: Record<string, number>;
  capabilities?: { hover: boolean; completion: boolean; codeAction: boolean };
  main?: {
    filetype: string;
    diagnostics: Diagnostic[];
    hover: string | null;
    completion?: string[];
    codeActions?: string[];
    definition?: { file: string; line: number };
  };
  master?: {
    filetype: string;
    diagnostics: Diagnostic[];
    hover: string | null;
    symbols?: string[];
  };
}

let temp: string;
let result: NeovimResult;

function runNeovim(env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const nvim = spawn(
      "nvim",
      [
        "--headless",
        "--clean",
        "-n",
        "-i",
        "NONE",
        "-c",
        `luafile ${join(__dirname, "neovim-lsp.lua")}`,
      ],
      { cwd: temp, env, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let output = "";
    nvim.stdout.on("data", (chunk) => (output += chunk));
    nvim.stderr.on("data", (chunk) => (output += chunk));
    // Neovim and the server it started share a process group; stop both on a hang.
    const timer = setTimeout(() => {
      if (nvim.pid !== undefined) void stopPid(nvim.pid, true, 2_000);
      reject(new Error(`nvim did not finish within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    nvim.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    nvim.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`nvim exited with ${code}:\n${output}`));
    });
  });
}

beforeAll(async () => {
  execFileSync(process.execPath, ["scripts/build.mjs"], { cwd: ROOT, stdio: "inherit" });
  temp = mkdtempSync(join(tmpdir(), "postfix-lsp-e2e-neovim-"));
  const workspace = join(temp, "workspace");
  mkdirSync(workspace);
  writeFileSync(join(workspace, "main.cf"), MAIN_CF);
  writeFileSync(join(workspace, "master.cf"), MASTER_CF);
  const resultPath = join(temp, "result.json");
  const started = Date.now();
  const output = await runNeovim(
    {
      ...process.env,
      E2E_SERVER: join(ROOT, "dist/server.js"),
      E2E_WORKSPACE: workspace,
      E2E_RESULT: resultPath,
      // Neovim's state, logs (lsp.log) and caches stay in the temp dir.
      XDG_CONFIG_HOME: join(temp, "config"),
      XDG_DATA_HOME: join(temp, "data"),
      XDG_STATE_HOME: join(temp, "state"),
      XDG_CACHE_HOME: join(temp, "cache"),
    },
    90_000,
  );
  copyFileSync(resultPath, join(outputDir(), "neovim-result.json"));
  result = JSON.parse(readFileSync(resultPath, "utf8")) as NeovimResult;
  console.log(`neovim run: ${Date.now() - started} ms${output.trim() ? `\n${output}` : ""}`);
});

afterAll(() => {
  if (temp) rmSync(temp, { recursive: true, force: true });
});

describe("Neovim's built-in LSP client with node dist/server.js --stdio", () => {
  it("starts the server and gets through the script without errors", () => {
    expect(result.errors).toEqual([]);
    expect(result.nvim).toMatch(/^0\.\d+\.\d+$/);
    expect(result.capabilities?.hover).toBe(true);
  });

  it("publishes the seeded diagnostic for main.cf (filetype pfmain)", () => {
    expect(result.main?.filetype).toBe("pfmain");
    expect(result.main?.diagnostics).toContainEqual(
      expect.objectContaining({ lnum: 2, code: "comment-after-value" }),
    );
  });

  it("checks the certificate files main.cf names (a standalone client: file checks on)", () => {
    // /etc/ssl/certs/mail.pem does not exist on the test machine.
    expect(result.main?.diagnostics).toContainEqual(
      expect.objectContaining({ lnum: 3, code: "tls-file-unreadable" }),
    );
  });

  it("answers hover on smtpd_tls_security_level with our docs", () => {
    expect(result.main?.hover).toContain("**smtpd_tls_security_level**");
    expect(result.main?.hover).toContain(EXPECTED_HOVER_TEXT);
  });

  it("completes smtp_tls_security_level = with dane and verify", (context) => {
    context.skip(
      !result.capabilities?.completion,
      "skipped: the server advertises no completionProvider (completion is not implemented yet)",
    );
    expect(result.main?.completion).toContain("dane");
    expect(result.main?.completion).toContain("verify");
  });

  it("offers a code action for the seeded diagnostic", (context) => {
    context.skip(
      !result.capabilities?.codeAction,
      "skipped: the server advertises no codeActionProvider (quick-fixes are not implemented yet)",
    );
    expect(result.main?.codeActions?.length).toBeGreaterThan(0);
  });

  it("goes from $myhostname to its assignment", () => {
    expect(result.main?.definition).toEqual({ file: "main.cf", line: 1 });
  });

  it("lists the master.cf services as document symbols", () => {
    expect(result.master?.symbols).toEqual([
      "smtp/inet",
      "submission/inet",
      "pickup/unix",
      "tlsmgr/unix",
    ]);
  });

  it("recognises master.cf by its file name (Neovim 0.7 has no Postfix filetype for it)", () => {
    // Neovim guesses "conf" from the leading # comment; the server goes by the name.
    expect(result.master?.filetype).not.toMatch(/^pf/);
    // The server took it as a master.cf: it published diagnostics for it (none are seeded
    // there) and answers hover on the -o parameter name.
    expect(result.published["master.cf"]).toBeGreaterThan(0);
    expect(result.master?.hover).toContain("smtpd_tls_security_level");
  });
});
