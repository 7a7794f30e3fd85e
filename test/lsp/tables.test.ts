import { execFileSync } from "node:child_process";
import { mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import type { PublishDiagnosticsParams } from "vscode-languageserver-protocol";
import { ROOT, openDocument, spawnServer, within } from "../support/lspServer";

/**
 * Lookup table checks over real JSON-RPC, on real files made at test time: in a
 * trusted workspace the server stats the indexed files and reads the sources; in
 * an untrusted one it reports none of the host checks.
 */

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
});

const HOUR = 3600;

/** A directory with a stale hash table (source edited after its .db) and a cidr table with a bad line. */
function tableDir(): { dir: string; main: string } {
  const dir = mkdtempSync(join(tmpdir(), "lsp-tables-"));
  const now = Date.now() / 1000;
  writeFileSync(
    join(dir, "virtual"),
    "# aliases\ninfo@example.com admin\nsales@example.com  bob\n",
  );
  utimesSync(join(dir, "virtual"), now - HOUR, now - HOUR);
  writeFileSync(join(dir, "virtual.db"), "");
  utimesSync(join(dir, "virtual.db"), now - 48 * HOUR, now - 48 * HOUR);
  writeFileSync(join(dir, "clients.cidr"), "192.0.2.0/24 OK\n198.51.100.1/24 REJECT\n");
  const main =
    `virtual_alias_maps = hash:${dir}/virtual\n` +
    `smtpd_client_restrictions = check_client_access cidr:${dir}/clients.cidr\n`;
  writeFileSync(join(dir, "main.cf"), main);
  writeFileSync(join(dir, "master.cf"), "smtp inet n - y - - smtpd\n");
  return { dir, main };
}

async function openMain(dir: string, main: string, trusted: boolean) {
  const { child, connection } = spawnServer({});
  const uri = pathToFileURL(join(dir, "main.cf")).href;
  try {
    const published = await openDocument(
      connection,
      { uri, languageId: "postfix-main", text: main },
      { initialize: { initializationOptions: { trusted } } },
    );
    const hover = (await within(
      connection.sendRequest("textDocument/hover", {
        textDocument: { uri },
        position: { line: 0, character: 25 },
      }),
      5_000,
      "hover",
    )) as { contents: { value: string } } | null;
    return { published, hover: hover?.contents.value };
  } finally {
    connection.dispose();
    child.kill("SIGKILL");
  }
}

const tableCodes = (published: PublishDiagnosticsParams) =>
  published.diagnostics.map((d) => String(d.code)).filter((code) => code.startsWith("table-"));

describe("lookup table files over LSP", () => {
  it("reports a stale index and a bad cidr line in a trusted workspace, and the hover counts entries", async () => {
    const { dir, main } = tableDir();
    const { published, hover } = await openMain(dir, main, true);
    expect(tableCodes(published).sort()).toEqual(["table-cidr-syntax", "table-index-stale"]);
    const stale = published.diagnostics.find((d) => d.code === "table-index-stale")!;
    expect(stale.range.start).toEqual({ line: 0, character: 21 });
    expect(stale.message).toContain(`Run: postmap hash:${dir}/virtual.`);
    const cidr = published.diagnostics.find((d) => d.code === "table-cidr-syntax")!;
    expect(cidr.message).toMatch(/^Line 2 of .*clients\.cidr .* is malformed: /);
    expect(hover).toContain("**hash:** lookup table");
    expect(hover).toMatch(/: 2 entries, changed \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
    expect(hover).toMatch(/Indexed file last written \d{4}-\d\d-\d\d \d\d:\d\d UTC\./);
  });

  it("checks no table file in an untrusted workspace", async () => {
    const { dir, main } = tableDir();
    const { published, hover } = await openMain(dir, main, false);
    expect(tableCodes(published)).toEqual([]);
    // A configuration with tables and no certificate still says that its files were not checked.
    const note = published.diagnostics.find((d) => d.code === "host-files-not-checked");
    expect(note?.message).toMatch(
      /^The 3 files this configuration names \(certificates, keys, lookup tables/,
    );
    expect(hover).toContain("**hash:** lookup table");
    expect(hover).not.toContain("entries");
  });
});
