import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { spawnServer } from "../support/lspServer";

/** Document links and inlay hints over a real connection, with and without workspace trust. */

const dir = mkdtempSync(join(tmpdir(), "postfix-lsp-links-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
writeFileSync(join(dir, "virtual"), "a@example.org b@example.org\n");
writeFileSync(
  join(dir, "master.cf"),
  "smtp inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n",
);
const uri = pathToFileURL(join(dir, "main.cf")).href;
const text = [
  `virtual_alias_maps = hash:${dir}/virtual, hash:${dir}/missing`,
  "smtpd_tls_security_level = may",
  "smtpd_banner = $myhostname ESMTP",
  "myhostname = mx.example.org",
  "",
].join("\n");

async function withServer<T>(
  trusted: boolean | undefined,
  body: (connection: MessageConnection) => Promise<T>,
): Promise<T> {
  const { child, connection } = spawnServer();
  connection.listen();
  try {
    await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: {},
      initializationOptions: trusted === undefined ? undefined : { trusted },
    });
    await connection.sendNotification("initialized", {});
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "postfix-main", version: 1, text },
    });
    return await body(connection);
  } finally {
    await connection.sendRequest("shutdown").catch(() => undefined);
    await connection.sendNotification("exit").catch(() => undefined);
    connection.dispose();
    child.kill();
  }
}

describe("document links", () => {
  it("link the lookup-table files that exist, in a trusted workspace", async () => {
    const links = (await withServer(true, (connection) =>
      connection.sendRequest("textDocument/documentLink", { textDocument: { uri } }),
    )) as { target: string; range: { start: { character: number } } }[];
    expect(links.map((link) => link.target)).toEqual([pathToFileURL(join(dir, "virtual")).href]);
  });

  it("are not offered in an untrusted workspace, where no path the configuration names is looked at", async () => {
    const links = await withServer(false, (connection) =>
      connection.sendRequest("textDocument/documentLink", { textDocument: { uri } }),
    );
    expect(links).toEqual([]);
  });
});

describe("inlay hints", () => {
  it("show expansions in main.cf and what an -o replaces in master.cf", async () => {
    await withServer(undefined, async (connection) => {
      const range = { start: { line: 0, character: 0 }, end: { line: 10, character: 0 } };
      const mainHints = (await connection.sendRequest("textDocument/inlayHint", {
        textDocument: { uri },
        range,
      })) as { label: string; position: { line: number } }[];
      expect(mainHints.map((hint) => [hint.position.line, hint.label])).toEqual([
        [2, " → mx.example.org ESMTP"],
      ]);
      const masterUri = pathToFileURL(join(dir, "master.cf")).href;
      await connection.sendNotification("textDocument/didOpen", {
        textDocument: {
          uri: masterUri,
          languageId: "postfix-master",
          version: 1,
          text: "smtp inet n - y - - smtpd\n  -o smtpd_tls_security_level=encrypt\n",
        },
      });
      const masterHints = (await connection.sendRequest("textDocument/inlayHint", {
        textDocument: { uri: masterUri },
        range,
      })) as { label: string }[];
      expect(masterHints.map((hint) => hint.label)).toEqual([" (main.cf: may)"]);
    });
  });
});
