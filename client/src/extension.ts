import * as path from "node:path";
import { type ExtensionContext, commands, window, workspace } from "vscode";
import {
  LanguageClient,
  type LanguageClientOptions,
  type ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { DOCUMENT_SELECTOR } from "./selector";

/**
 * The VS Code client: starts the bundled language server over IPC (restarted by
 * the client library if it crashes) and contributes the restart command.
 */

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join("dist", "server.js"));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: {
      module: serverModule,
      transport: TransportKind.ipc,
      options: { execArgv: ["--inspect=6011"] },
    },
  };
  const outputChannel = window.createOutputChannel("Postfix Language Server", { log: true });
  const clientOptions: LanguageClientOptions = {
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: "postfix" },
    outputChannel,
    traceOutputChannel: outputChannel,
    // The server reads fewer files in a workspace the user has not trusted. A function,
    // so that a restarted server learns the trust of that moment.
    // explainsRules: this client shows rule pages itself (postfix.explainRule).
    initializationOptions: () => ({ trusted: workspace.isTrusted, explainsRules: true }),
  };
  client = new LanguageClient("postfix", "Postfix Language Server", serverOptions, clientOptions);
  context.subscriptions.push(
    outputChannel,
    commands.registerCommand("postfix.restartServer", async () => {
      await client?.restart();
    }),
    commands.registerCommand("postfix.lookUpParameter", lookUpParameter),
    commands.registerCommand("postfix.explainRule", explainRule),
    workspace.onDidGrantWorkspaceTrust(
      () => void client?.sendNotification("postfix/workspaceTrust", { trusted: true }),
    ),
  );
  await client.start();
}

interface ParameterSummary {
  name: string;
  description: string;
  deprecated: boolean;
  documented: boolean;
}

/** A searchable list of every parameter; the chosen one opens as a Markdown preview. */
async function lookUpParameter(): Promise<void> {
  if (!client) return;
  const parameters = await client.sendRequest<ParameterSummary[]>("postfix/listParameters");
  const picked = await window.showQuickPick(
    parameters.map((parameter) => ({
      label: parameter.name,
      description: parameter.description,
      detail: parameter.deprecated
        ? "deprecated"
        : parameter.documented
          ? "documented here"
          : undefined,
    })),
    { placeHolder: "Postfix parameter", matchOnDescription: true },
  );
  if (!picked) return;
  const markdown = await client.sendRequest<string>("postfix/parameterReference", {
    name: picked.label,
  });
  await showMarkdown(markdown);
}

/** The code action "Explain rule <id>": the rule's page in the Markdown preview. */
async function explainRule(id: unknown): Promise<void> {
  if (!client || typeof id !== "string") return;
  const markdown = await client.sendRequest<string | null>("postfix/rulePage", { id });
  if (markdown) await showMarkdown(markdown);
}

async function showMarkdown(markdown: string): Promise<void> {
  const document = await workspace.openTextDocument({ language: "markdown", content: markdown });
  await commands.executeCommand("markdown.showPreview", document.uri);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
