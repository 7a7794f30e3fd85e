import * as path from "node:path";
import {
  ConfigurationTarget,
  type ExtensionContext,
  Position,
  StatusBarAlignment,
  type StatusBarItem,
  Uri,
  commands,
  env,
  window,
  workspace,
} from "vscode";
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
    // The server reads fewer files and runs no program in a workspace the user has not
    // trusted; the postconf it may run is the user's choice. A function, so that a
    // restarted server learns the trust and the setting of that moment. explainsRules:
    // this client shows rule pages itself (postfix.explainRule).
    initializationOptions: () => ({
      trusted: workspace.isTrusted,
      postconfPath: postconfPath(),
      explainsRules: true,
    }),
  };
  client = new LanguageClient("postfix", "Postfix Language Server", serverOptions, clientOptions);
  context.subscriptions.push(
    outputChannel,
    commands.registerCommand("postfix.restartServer", async () => {
      await client?.restart();
    }),
    commands.registerCommand("postfix.lookUpParameter", lookUpParameter),
    commands.registerCommand("postfix.chooseRelease", chooseRelease),
    commands.registerCommand("postfix.checkWithPostconf", checkWithPostconf),
    commands.registerCommand("postfix.explainRule", explainRule),
    commands.registerCommand("postfix.showTlsaRecords", showTlsaRecords),
    commands.registerCommand("postfix.insertFingerprint", insertFingerprint),
    workspace.onDidGrantWorkspaceTrust(
      () => void client?.sendNotification("postfix/workspaceTrust", { trusted: true }),
    ),
    // The server learns the program at start only.
    workspace.onDidChangeConfiguration((change) => {
      if (change.affectsConfiguration("postfix.postconfPath")) void client?.restart();
    }),
  );
  const status = window.createStatusBarItem("postfix.release", StatusBarAlignment.Right, 100);
  status.name = "Postfix release";
  status.command = "postfix.chooseRelease";
  context.subscriptions.push(status);
  client.onNotification("postfix/release", (release: ReleaseNotice) =>
    showRelease(status, release),
  );
  await client.start();
}

/**
 * The postconf to run: only the user's or the machine's own setting, never a
 * workspace's (the setting is machine-scoped, and the workspace value is not read).
 */
function postconfPath(): string | undefined {
  const setting = workspace.getConfiguration("postfix").inspect<string>("postconfPath");
  const path = setting?.globalValue ?? setting?.defaultValue;
  return typeof path === "string" ? path : undefined;
}

/** What the server says about the release in use. */
interface ReleaseNotice {
  line: string;
  release: string;
  origin: string;
  description: string;
  source: string;
}

function showRelease(status: StatusBarItem, release: ReleaseNotice): void {
  const where = release.origin === "setting" ? "set" : "host";
  status.text = `Postfix ${release.release} (${release.origin === "newest" ? "newest" : where})`;
  status.tooltip =
    `Checking against Postfix ${release.line} (${release.description}), from ${release.source}. ` +
    "Click to choose another release.";
  status.show();
}

/** A quick pick of auto and the known release lines; writes postfix.version. */
async function chooseRelease(): Promise<void> {
  const lines = (await client?.sendRequest<string[]>("postfix/releaseLines")) ?? [];
  const picked = await window.showQuickPick(
    [
      { label: "auto", description: "the Postfix installed where the server runs" },
      ...lines.reverse().map((line) => ({ label: line })),
    ],
    { placeHolder: "Postfix release to check against" },
  );
  if (!picked) return;
  const target = workspace.workspaceFolders
    ? ConfigurationTarget.Workspace
    : ConfigurationTarget.Global;
  await workspace.getConfiguration("postfix").update("version", picked.label, target);
}

/** Runs the server's postconf check on the active file and says what came of it. */
async function checkWithPostconf(): Promise<void> {
  const document = window.activeTextEditor?.document;
  if (!client || !document) return;
  const result = await client.sendRequest<{ ok: boolean; message: string }>(
    "postfix/checkWithPostconf",
    { uri: document.uri.toString() },
  );
  if (result.ok) void window.showInformationMessage(result.message);
  else void window.showWarningMessage(result.message);
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

/**
 * Asks for a certificate file; the server computes its fingerprint in the digest
 * in effect there, and it is inserted after the list's separator.
 */
async function insertFingerprint(args: {
  uri: string;
  position: { line: number; character: number };
  separator: string;
  digestParameter: string;
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
    {
      uri: args.uri,
      path: file.fsPath,
      digestParameter: args.digestParameter,
      position: args.position,
    },
  );
  if (!answer.fingerprint) {
    void window.showErrorMessage(answer.error ?? "No fingerprint.");
    return;
  }
  const editor = await window.showTextDocument(Uri.parse(args.uri));
  await editor.edit((edit) =>
    edit.insert(
      new Position(args.position.line, args.position.character),
      args.separator + answer.fingerprint!,
    ),
  );
}
