import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { MessageConnection } from "vscode-jsonrpc/node";
import { ROOT, spawnServer } from "../support/lspServer";

/**
 * "Explain rule <id>": the VS Code client asks for the page (postfix/rulePage) and
 * shows it itself; for other clients the server opens the bundled page with
 * window/showDocument.
 */

async function withServer<T>(
  initializationOptions: object | undefined,
  body: (connection: MessageConnection, capabilities: Record<string, unknown>) => Promise<T>,
): Promise<T> {
  const { child, connection } = spawnServer();
  const shown: string[] = [];
  connection.onRequest("window/showDocument", (params: { uri: string }) => {
    shown.push(params.uri);
    return { success: true };
  });
  connection.onNotification("window/showMessage", () => {});
  connection.listen();
  try {
    const result = (await connection.sendRequest("initialize", {
      processId: process.pid,
      rootUri: null,
      capabilities: { window: { showDocument: { support: true } } },
      initializationOptions,
    })) as { capabilities: Record<string, unknown> };
    await connection.sendNotification("initialized", {});
    return await body(Object.assign(connection, { shown }), result.capabilities);
  } finally {
    connection.dispose();
    child.kill();
  }
}

describe("Explain rule", () => {
  it("opens the bundled page of a known rule for editors other than VS Code", async () => {
    await withServer(undefined, async (connection, capabilities) => {
      expect(capabilities.executeCommandProvider).toEqual({ commands: ["postfix.explainRule"] });
      await connection.sendRequest("workspace/executeCommand", {
        command: "postfix.explainRule",
        arguments: ["comment-after-value"],
      });
      await connection.sendRequest("workspace/executeCommand", {
        command: "postfix.explainRule",
        arguments: ["../../etc/passwd"],
      });
      const shown = (connection as unknown as { shown: string[] }).shown;
      expect(shown).toHaveLength(1);
      const path = fileURLToPath(shown[0]);
      expect(path).toBe(`${ROOT}/docs/rules/comment-after-value.md`);
      expect(existsSync(path)).toBe(true);
    });
  });

  it("gives the VS Code client the page, and leaves the command to it", async () => {
    await withServer({ explainsRules: true }, async (connection, capabilities) => {
      expect(capabilities.executeCommandProvider).toBeUndefined();
      const page = await connection.sendRequest("postfix/rulePage", { id: "inet-protocols" });
      expect(page).toBe(readFileSync(`${ROOT}/docs/rules/inet-protocols.md`, "utf8"));
      expect(await connection.sendRequest("postfix/rulePage", { id: "no-such-rule" })).toBeNull();
    });
  });
});
