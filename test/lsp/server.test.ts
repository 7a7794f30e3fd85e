import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MessageConnection } from "vscode-jsonrpc/node";
import type { PublishDiagnosticsParams, TextEdit } from "vscode-languageserver-protocol";
import { TextDocument } from "vscode-languageserver-textdocument";
import { ROOT, spawnServer } from "../support/lspServer";

/** Talks to `node dist/server.js --stdio` exactly as an editor would. */

let server: ChildProcess;
let connection: MessageConnection;
const published = new Map<string, PublishDiagnosticsParams[]>();
const waiters: (() => void)[] = [];

function nextDiagnostics(uri: string, count: number): Promise<PublishDiagnosticsParams> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no diagnostics #${count} for ${uri}`)),
      10_000,
    );
    const check = (): boolean => {
      const list = published.get(uri) ?? [];
      if (list.length >= count) {
        clearTimeout(timer);
        resolve(list[count - 1]);
        return true;
      }
      return false;
    };
    // A waiter stays registered until its own notification has arrived.
    const wait = () => {
      if (!check()) waiters.push(wait);
    };
    wait();
  });
}

beforeAll(async () => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
  ({ child: server, connection } = spawnServer());
  connection.onNotification(
    "textDocument/publishDiagnostics",
    (params: PublishDiagnosticsParams) => {
      published.set(params.uri, [...(published.get(params.uri) ?? []), params]);
      for (const waiter of waiters.splice(0)) waiter();
    },
  );
  connection.listen();
  const result = await connection.sendRequest("initialize", {
    processId: process.pid,
    rootUri: null,
    capabilities: {},
  });
  expect(result).toMatchObject({ capabilities: { textDocumentSync: { change: 2 } } });
  await connection.sendNotification("initialized", {});
});

afterAll(async () => {
  await connection.sendRequest("shutdown").catch(() => undefined);
  await connection.sendNotification("exit").catch(() => undefined);
  connection.dispose();
  server.kill();
});

describe("language server over stdio", () => {
  it("publishes diagnostics on open and after incremental edits", async () => {
    const uri = "file:///nonexistent/postfix-lsp-test/main.cf";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: {
        uri,
        languageId: "postfix-main",
        version: 1,
        text: "smtpd_tls_security_level = may # note\nsmtpd_tls_chain_files = /nonexistent/postfix-lsp-test/mail.pem\n",
      },
    });
    const first = await nextDiagnostics(uri, 1);
    // No master.cf on disk: the server says once, at the top, what it skipped. The
    // certificate is looked for on this host (a trusted workspace by default).
    expect(first.diagnostics.map((d) => d.code)).toEqual([
      "master-cf-missing",
      "comment-after-value",
      "tls-file-unreadable",
    ]);

    // Delete " # note": the problem must go away.
    await connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [
        { range: { start: { line: 0, character: 30 }, end: { line: 0, character: 37 } }, text: "" },
      ],
    });
    const second = await nextDiagnostics(uri, 2);
    expect(second.version).toBe(2);
    expect(second.diagnostics.map((d) => d.code)).toEqual([
      "master-cf-missing",
      "tls-file-unreadable",
    ]);
  });

  it("recognises main.cf by file name when the editor uses another language id", async () => {
    const uri = "file:///nonexistent/postfix-lsp-test/pfmain/main.cf";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "pfmain", version: 1, text: "relayhost [x]\n" },
    });
    const diagnostics = await nextDiagnostics(uri, 1);
    expect(diagnostics.diagnostics[0]).toMatchObject({
      code: "missing-equals",
      range: { start: { line: 0, character: 0 } },
    });
  });

  it("answers hover requests with our docs", async () => {
    const uri = "file:///srv/hover/main.cf";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: {
        uri,
        languageId: "postfix-main",
        version: 1,
        text: "smtp_tls_security_level = dane\n",
      },
    });
    const onName = await connection.sendRequest("textDocument/hover", {
      textDocument: { uri },
      position: { line: 0, character: 5 },
    });
    expect(onName).toMatchObject({
      contents: { kind: "markdown", value: expect.stringContaining("**smtp_tls_security_level**") },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 23 } },
    });
    const onValue = await connection.sendRequest("textDocument/hover", {
      textDocument: { uri },
      position: { line: 0, character: 28 },
    });
    expect(onValue).toMatchObject({ contents: { value: expect.stringMatching(/^\*\*dane\*\*/) } });
    const unopened = await connection.sendRequest("textDocument/hover", {
      textDocument: { uri: "file:///not/open/main.cf" },
      position: { line: 0, character: 0 },
    });
    expect(unopened).toBeNull();
  });

  it("completes values and offers quick-fixes", async () => {
    const uri = "file:///srv/complete/main.cf";
    const text = "smtp_tls_security_level = \nsmtpd_tls_security_level = may # note\n";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "postfix-main", version: 1, text },
    });
    const completion = (await connection.sendRequest("textDocument/completion", {
      textDocument: { uri },
      position: { line: 0, character: 26 },
    })) as { items: { label: string }[] };
    const labels = completion.items.map((item) => item.label);
    expect(labels).toEqual(expect.arrayContaining(["dane", "verify", "may"]));

    const published = await nextDiagnostics(uri, 1);
    const comment = published.diagnostics.filter((d) => d.code === "comment-after-value");
    const actions = (await connection.sendRequest("textDocument/codeAction", {
      textDocument: { uri },
      range: comment[0].range,
      context: { diagnostics: comment },
    })) as { title: string; edit: { changes: Record<string, unknown[]> } }[];
    expect(actions.map((action) => action.title)).toEqual([
      "Move the comment to its own line",
      "Disable comment-after-value for this entry",
      "Explain rule comment-after-value",
    ]);
    expect(actions[0].edit.changes[uri]).toHaveLength(2);
  });

  it("reads master.cf beside main.cf from disk, and notices when it changes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "postfix-lsp-sibling-"));
    writeFileSync(join(dir, "master.cf"), "relay unix - - n - - smtp\n");
    const uri = pathToFileURL(join(dir, "main.cf")).href;
    const text = "relay_destination_concurrency_limit = 5\n";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "postfix-main", version: 1, text },
    });
    expect((await nextDiagnostics(uri, 1)).diagnostics).toEqual([]);
    writeFileSync(join(dir, "master.cf"), "# no relay service any more\n");
    await connection.sendNotification("textDocument/didChange", {
      textDocument: { uri, version: 2 },
      contentChanges: [{ text }],
    });
    const codes = (await nextDiagnostics(uri, 2)).diagnostics.map((d) => d.code);
    expect(codes).toEqual(["unknown-parameter"]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("clears diagnostics when a document is closed", async () => {
    const uri = "file:///nonexistent/postfix-lsp-test/master.cf";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: {
        uri,
        languageId: "postfix-master",
        version: 1,
        text: "smtp inet n - yes - - smtpd\n",
      },
    });
    expect((await nextDiagnostics(uri, 1)).diagnostics).toHaveLength(1);
    await connection.sendNotification("textDocument/didClose", { textDocument: { uri } });
    expect((await nextDiagnostics(uri, 2)).diagnostics).toEqual([]);
  });
});

describe("navigation over stdio", () => {
  it("answers symbols, folding, selection, definition, references and highlights, reading master.cf from disk", async () => {
    const dir = mkdtempSync(join(tmpdir(), "postfix-lsp-navigation-"));
    writeFileSync(
      join(dir, "master.cf"),
      "relay unix - - n - - smtp\n  -o smtp_helo_name=$helo_text\n",
    );
    const uri = pathToFileURL(join(dir, "main.cf")).href;
    const masterUri = pathToFileURL(join(dir, "master.cf")).href;
    const text = "# Relaying\nhelo_text = mx.example\nrelay_transport = relay:[mx]\n";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "postfix-main", version: 1, text },
    });
    const request = (method: string, params: object) =>
      connection.sendRequest(method, { textDocument: { uri }, ...params });
    const lineOf = (range: { start: { line: number } }) => range.start.line;

    const symbols = (await request("textDocument/documentSymbol", {})) as {
      name: string;
      children?: { name: string }[];
    }[];
    expect(symbols.map((s) => [s.name, s.children?.map((c) => c.name)])).toEqual([
      ["Relaying", ["helo_text", "relay_transport"]],
    ]);
    const folds = (await request("textDocument/foldingRange", {})) as { startLine: number }[];
    expect(folds).toEqual([{ startLine: 0, endLine: 2, kind: "region" }]);
    const selection = (await request("textDocument/selectionRange", {
      positions: [{ line: 1, character: 2 }],
    })) as { range: { start: { line: number; character: number } } }[];
    expect(selection[0].range.start).toEqual({ line: 1, character: 0 });

    const definition = (await request("textDocument/definition", {
      position: { line: 2, character: 20 },
    })) as { uri: string; range: { start: { line: number } } }[];
    expect(definition.map((d) => [d.uri, lineOf(d.range)])).toEqual([[masterUri, 0]]);
    const references = (await request("textDocument/references", {
      position: { line: 1, character: 3 },
      context: { includeDeclaration: true },
    })) as { uri: string; range: { start: { line: number } } }[];
    expect(references.map((r) => [r.uri, lineOf(r.range)])).toEqual([
      [uri, 1],
      [masterUri, 1],
    ]);
    const highlights = (await request("textDocument/documentHighlight", {
      position: { line: 1, character: 3 },
    })) as unknown[];
    expect(highlights).toHaveLength(1);
    const found = (await connection.sendRequest("workspace/symbol", { query: "helo" })) as {
      name: string;
      location: { uri: string };
    }[];
    expect(found.map((s) => [s.name, s.location.uri])).toEqual([
      ["helo_text", uri],
      ["smtp_helo_name", masterUri],
    ]);
    rmSync(dir, { recursive: true, force: true });
  });
  it("renames across the open file and master.cf on disk, and refuses Postfix's own names with a reason", async () => {
    const dir = mkdtempSync(join(tmpdir(), "postfix-lsp-rename-"));
    writeFileSync(
      join(dir, "master.cf"),
      "smtp inet n - y - - smtpd\n  -o smtpd_banner=$banner_text\n",
    );
    const uri = pathToFileURL(join(dir, "main.cf")).href;
    const masterUri = pathToFileURL(join(dir, "master.cf")).href;
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: {
        uri,
        languageId: "postfix-main",
        version: 1,
        text: "banner_text = hi\nmyhostname = a\n",
      },
    });
    const prepared = await connection.sendRequest("textDocument/prepareRename", {
      textDocument: { uri },
      position: { line: 0, character: 2 },
    });
    expect(prepared).toMatchObject({ placeholder: "banner_text" });
    const edit = (await connection.sendRequest("textDocument/rename", {
      textDocument: { uri },
      position: { line: 0, character: 2 },
      newName: "greeting",
    })) as { changes: Record<string, { newText: string }[]> };
    expect(Object.keys(edit.changes).sort()).toEqual([uri, masterUri].sort());
    const refusal = connection.sendRequest("textDocument/prepareRename", {
      textDocument: { uri },
      position: { line: 1, character: 2 },
    });
    await expect(refusal).rejects.toMatchObject({
      message: expect.stringContaining("Postfix parameter"),
    });
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("formatting over stdio", () => {
  it("formats a whole document and only the logical lines a range touches, keeping CRLF", async () => {
    const uri = "file:///nonexistent/postfix-lsp-format/main.cf";
    const text =
      "myhostname=mx.example  \r\nmynetworks=127.0.0.0/8,\r\n\t10.0.0.0/8\r\nrelayhost=\r\n";
    await connection.sendNotification("textDocument/didOpen", {
      textDocument: { uri, languageId: "postfix-main", version: 1, text },
    });
    const document = TextDocument.create(uri, "postfix-main", 1, text);
    const options = { tabSize: 4, insertSpaces: true };
    const whole = (await connection.sendRequest("textDocument/formatting", {
      textDocument: { uri },
      options,
    })) as TextEdit[];
    expect(TextDocument.applyEdits(document, whole)).toBe(
      "myhostname = mx.example\r\nmynetworks = 127.0.0.0/8,\r\n    10.0.0.0/8\r\nrelayhost =\r\n",
    );
    // A cursor on the continuation line formats the whole setting, nothing else.
    const ranged = (await connection.sendRequest("textDocument/rangeFormatting", {
      textDocument: { uri },
      range: { start: { line: 2, character: 1 }, end: { line: 2, character: 1 } },
      options,
    })) as TextEdit[];
    expect(TextDocument.applyEdits(document, ranged)).toBe(
      "myhostname=mx.example  \r\nmynetworks = 127.0.0.0/8,\r\n    10.0.0.0/8\r\nrelayhost=\r\n",
    );
    const unopened = await connection.sendRequest("textDocument/formatting", {
      textDocument: { uri: "file:///nonexistent/other/main.cf" },
      options,
    });
    expect(unopened).toEqual([]);
  });
});

describe("a client that resolves completion items", () => {
  it("gets compact lists (no docs, one edit range), and the docs on completionItem/resolve", async () => {
    const { child, connection: client } = spawnServer();
    client.listen();
    try {
      const init = (await client.sendRequest("initialize", {
        processId: process.pid,
        rootUri: null,
        capabilities: {
          textDocument: {
            completion: {
              completionItem: { resolveSupport: { properties: ["documentation"] } },
              completionList: { itemDefaults: ["editRange"] },
            },
          },
        },
      })) as { capabilities: { completionProvider?: { resolveProvider?: boolean } } };
      expect(init.capabilities.completionProvider?.resolveProvider).toBe(true);
      await client.sendNotification("initialized", {});
      const uri = "file:///srv/resolve/main.cf";
      await client.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "postfix-main", version: 1, text: "smtpd_tls_\n" },
      });
      const list = (await client.sendRequest("textDocument/completion", {
        textDocument: { uri },
        position: { line: 0, character: 10 },
      })) as {
        itemDefaults?: { editRange?: unknown };
        items: { label: string; documentation?: unknown; textEdit?: unknown }[];
      };
      expect(list.itemDefaults?.editRange).toEqual({
        start: { line: 0, character: 0 },
        end: { line: 0, character: 10 },
      });
      expect(list.items.some((candidate) => candidate.textEdit !== undefined)).toBe(false);
      const item = list.items.find((candidate) => candidate.label === "smtpd_tls_security_level");
      expect(item).toBeDefined();
      expect(list.items.some((candidate) => candidate.documentation !== undefined)).toBe(false);
      const resolved = (await client.sendRequest("completionItem/resolve", item)) as {
        documentation?: { value: string };
      };
      expect(resolved.documentation?.value).toMatch(/STARTTLS/);
    } finally {
      await client.sendRequest("shutdown").catch(() => undefined);
      await client.sendNotification("exit").catch(() => undefined);
      client.dispose();
      child.kill();
    }
  });
});

describe("a client with a folding range limit", () => {
  it("gets at most rangeLimit folding ranges, as VS Code asks (5,000)", async () => {
    const { child, connection: client } = spawnServer();
    client.listen();
    try {
      await client.sendRequest("initialize", {
        processId: process.pid,
        rootUri: null,
        capabilities: { textDocument: { foldingRange: { rangeLimit: 3, lineFoldingOnly: true } } },
      });
      await client.sendNotification("initialized", {});
      const uri = "file:///srv/folds/main.cf";
      const text = Array.from({ length: 10 }, (_, n) => `# one\n# two\na${n} = 1,\n  2\n`).join("");
      await client.sendNotification("textDocument/didOpen", {
        textDocument: { uri, languageId: "postfix-main", version: 1, text },
      });
      const folds = (await client.sendRequest("textDocument/foldingRange", {
        textDocument: { uri },
      })) as { startLine: number; endLine: number }[];
      expect(folds.map((fold) => `${fold.startLine}-${fold.endLine}`)).toEqual([
        "0-1",
        "2-3",
        "4-5",
      ]);
    } finally {
      await client.sendRequest("shutdown").catch(() => undefined);
      await client.sendNotification("exit").catch(() => undefined);
      client.dispose();
      child.kill();
    }
  });
});
