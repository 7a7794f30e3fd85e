import * as path from "node:path";
import { type ExtensionContext, Position, Uri, commands, env, window, workspace } from "vscode";
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
    initializationOptions: () => ({ trusted: workspace.isTrusted }),
  };
  client = new LanguageClient("postfix", "Postfix Language Server", serverOptions, clientOptions);
  context.subscriptions.push(
    outputChannel,
    commands.registerCommand("postfix.restartServer", async () => {
      await client?.restart();
    }),
    commands.registerCommand("postfix.lookUpParameter", lookUpParameter),
    commands.registerCommand("postfix.showTlsaRecords", showTlsaRecords),
    commands.registerCommand("postfix.insertFingerprint", insertFingerprint),
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
  const document = await workspace.openTextDocument({ language: "markdown", content: markdown });
  await commands.executeCommand("markdown.showPreview", document.uri);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}

/** The server's TLSA records for smtpd's certificates, shown with a copy action. */
async function showTlsaRecords(): Promise<void> {
  const uri = window.activeTextEditor?.document.uri.toString();
  if (!client || !uri) return;
  const { records, note } = await client.sendRequest<{
    records: { record: string; describes: string }[];
    note: string;
  }>("postfix/tlsaRecords", { uri });
  if (records.length === 0) {
    void window.showInformationMessage(note || "No TLSA records.");
    return;
  }
  const picked = await window.showQuickPick(
    records.map((record) => ({ label: record.record, detail: record.describes })),
    { title: "TLSA records: pick one to copy", canPickMany: true },
  );
  if (!picked || picked.length === 0) return;
  await env.clipboard.writeText(picked.map((item) => item.label).join("\n") + "\n");
  void window.showInformationMessage(`Copied ${picked.length} TLSA record(s).`);
}

/** Asks for a certificate file; the server computes its fingerprint in the configured digest. */
async function insertFingerprint(args: {
  uri: string;
  position: { line: number; character: number };
  parameter: string;
}): Promise<void> {
  if (!client) return;
  const [file] =
    (await window.showOpenDialog({
      title: "Certificate to take the fingerprint of",
      canSelectMany: false,
      filters: { Certificates: ["pem", "crt", "cer"], "All files": ["*"] },
    })) ?? [];
  if (!file) return;
  const answer = await client.sendRequest<{ fingerprint?: string; error?: string }>(
    "postfix/fingerprint",
    { uri: args.uri, path: file.fsPath, parameter: args.parameter },
  );
  if (!answer.fingerprint) {
    void window.showErrorMessage(answer.error ?? "No fingerprint.");
    return;
  }
  const editor = await window.showTextDocument(Uri.parse(args.uri));
  await editor.edit((edit) =>
    edit.insert(new Position(args.position.line, args.position.character), answer.fingerprint!),
  );
}
