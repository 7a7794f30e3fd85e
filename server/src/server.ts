import {
  type CompletionItem,
  type Connection,
  type InitializeParams,
  type InitializeResult,
  ProposedFeatures,
  ResponseError,
  ErrorCodes,
  TextDocumentSyncKind,
  createConnection,
} from "vscode-languageserver/node";
import { configKindOf } from "./service/configKind";
import {
  type ConfigKind,
  type ParsedConfig,
  parseConfig,
  updateConfig,
} from "./service/parser/document";
import { readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { doCodeActions } from "./service/codeActions";
import { doComplete, resolveCompletion } from "./service/completion";
import { doHover } from "./service/hover";
import { listParameters, parameterReference } from "./service/reference";
import { type ServerSettings, readSettings } from "./settings";
import { MAX_ANALYSED_LENGTH, tooLargeDiagnostic, validationSteps } from "./service/validation";
import { EditableText } from "./service/text/editableText";
import { LineIndex } from "./service/text/lineIndex";
import { findDocumentSymbols, findWorkspaceSymbols } from "./service/symbols";
import { getFoldingRanges, getSelectionRanges } from "./service/folding";
import {
  type ConfigFile,
  findDefinition,
  findDocumentHighlights,
  findReferences,
} from "./service/navigation";
import { doRename, prepareRename } from "./service/rename";
import { format } from "./service/format";

/**
 * The language server binding: keeps one parse per open document, updates it
 * incrementally, and forwards requests to the pure language service. Every handler
 * is guarded so that one failure is logged and never stops the server.
 */

interface OpenDocument {
  /** The text as the client has it; also maps offsets to positions. */
  text: EditableText;
  version: number;
  /** The parse; empty while the document is too large to analyse. */
  config: ParsedConfig;
  tooLarge: boolean;
}

const VALIDATION_DELAY_MS = 200;

export function startServer(connection: Connection): void {
  const documents = new Map<string, OpenDocument>();
  const pendingValidations = new Map<string, ReturnType<typeof setTimeout>>();
  let settings: ServerSettings = readSettings(undefined);
  let canPullConfiguration = false;
  let snippetSupport = false;
  /** Item properties the client asks for with completionItem/resolve. */
  let resolvedProperties: string[] = [];
  let takesDefaultEditRange = false;

  const log = (message: string, error?: unknown) => {
    const detail =
      error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error ?? "");
    connection.console.error(`${message}${detail ? `: ${detail}` : ""}`);
  };

  /** Runs a handler; on failure logs and returns the fallback instead of throwing. */
  function guard<P extends unknown[], R>(
    name: string,
    fallback: R,
    handler: (...args: P) => R,
  ): (...args: P) => R {
    return guardWith(name, () => fallback, handler);
  }

  /** guard() for a fallback that depends on the request's arguments. */
  function guardWith<P extends unknown[], R>(
    name: string,
    fallback: (...args: P) => R,
    handler: (...args: P) => R,
  ) {
    return (...args: P): R => {
      try {
        return handler(...args);
      } catch (error) {
        // A deliberate answer (a refused rename) goes to the client as it is.
        if (error instanceof ResponseError) throw error;
        log(`postfix-lsp: ${name} failed`, error);
        return fallback(...args);
      }
    };
  }

  /** The validation pass running per document; a newer one makes it stop. */
  const runningValidations = new Map<string, object>();

  /**
   * Validates a document in steps, answering other requests in between: at 100k
   * lines a pass takes tens of ms, and hover or completion should not wait for it.
   * A pass stops when its document or the sibling it reads changes (the change
   * schedules a new pass) or a newer pass starts.
   */
  const validate = async (uri: string) => {
    pendingValidations.delete(uri);
    const document = documents.get(uri);
    if (!document) return;
    const { version } = document;
    if (document.tooLarge) {
      const diagnostics = [tooLargeDiagnostic(document.text.length)];
      void connection.sendDiagnostics({ uri, version, diagnostics });
      return;
    }
    const pass = {};
    runningValidations.set(uri, pass);
    const siblingUri = siblingUriOf(uri, document.config.kind);
    const siblingVersion = documents.get(siblingUri)?.version;
    const steps = validationSteps(
      document.config,
      document.text,
      settings,
      siblingOf(uri, document),
    );
    const current = () =>
      runningValidations.get(uri) === pass &&
      documents.get(uri) === document &&
      document.version === version &&
      documents.get(siblingUri)?.version === siblingVersion;
    try {
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          void connection.sendDiagnostics({ uri, version, diagnostics: step.value });
          return;
        }
        await new Promise((resolve) => setImmediate(resolve));
        if (!current()) return;
      }
    } finally {
      if (runningValidations.get(uri) === pass) runningValidations.delete(uri);
    }
  };

  const siblingUriOf = (uri: string, kind: ConfigKind) =>
    uri.replace(/[^/]*$/, `${kind === "main" ? "master" : "main"}.cf`);

  /**
   * The other file of the same config directory (master.cf beside main.cf and the
   * reverse): its open buffer if there is one, else the file on disk.
   */
  const diskSiblings = new Map<string, { mtimeMs: number; size: number; config: ParsedConfig }>();
  const siblingOf = (uri: string, document: OpenDocument): ParsedConfig | undefined => {
    const kind = document.config.kind === "main" ? "master" : "main";
    const siblingUri = siblingUriOf(uri, document.config.kind);
    if (siblingUri === uri) return undefined;
    const open = documents.get(siblingUri);
    if (open) return open.config;
    if (!siblingUri.startsWith("file:")) return undefined;
    try {
      const path = fileURLToPath(siblingUri);
      // Validation runs after every pause in typing; re-read only a file that changed.
      const { mtimeMs, size } = statSync(path);
      const cached = diskSiblings.get(path);
      if (cached && cached.mtimeMs === mtimeMs && cached.size === size) return cached.config;
      const config = parseConfig(kind, readFileSync(path, "utf8"));
      diskSiblings.set(path, { mtimeMs, size, config });
      return config;
    } catch {
      return undefined; // no sibling on disk: validate the file alone
    }
  };

  /** Position mappers for sibling files read from disk, made once per parse. */
  const diskMappers = new WeakMap<ParsedConfig, LineIndex>();

  /** The sibling as navigation needs it: open buffer or file on disk, with positions. */
  const siblingFile = (uri: string, document: OpenDocument): ConfigFile | undefined => {
    const siblingUri = siblingUriOf(uri, document.config.kind);
    const open = documents.get(siblingUri);
    if (open) return { uri: siblingUri, config: open.config, mapper: open.text };
    const config = siblingOf(uri, document);
    if (!config) return undefined;
    let mapper = diskMappers.get(config);
    if (!mapper) diskMappers.set(config, (mapper = new LineIndex(config.text)));
    return { uri: siblingUri, config, mapper };
  };

  /** Runs a navigation request on an open document and its sibling. */
  const withFiles = <R>(
    uri: string,
    fallback: R,
    request: (file: ConfigFile, sibling: ConfigFile | undefined) => R,
  ): R => {
    const document = documents.get(uri);
    if (!document || document.tooLarge) return fallback;
    return request(
      { uri, config: document.config, mapper: document.text },
      siblingFile(uri, document),
    );
  };

  /** Revalidates a document and, since rules look across files, its open sibling. */
  const scheduleValidationWithSibling = (uri: string) => {
    scheduleValidation(uri);
    const document = documents.get(uri);
    if (!document) return;
    const siblingUri = siblingUriOf(uri, document.config.kind);
    if (siblingUri !== uri && documents.has(siblingUri)) scheduleValidation(siblingUri);
  };

  const scheduleValidation = (uri: string) => {
    clearTimeout(pendingValidations.get(uri));
    pendingValidations.set(
      uri,
      setTimeout(() => {
        validate(uri).catch((error) => log("postfix-lsp: validation failed", error));
      }, VALIDATION_DELAY_MS),
    );
  };

  const refreshSettings = async () => {
    if (!canPullConfiguration) return;
    try {
      settings = readSettings(await connection.workspace.getConfiguration("postfix"));
    } catch (error) {
      log("postfix-lsp: reading settings failed", error);
    }
    for (const uri of documents.keys()) scheduleValidation(uri);
  };

  connection.onInitialize(
    guard("initialize", { capabilities: {} }, (params: InitializeParams): InitializeResult => {
      canPullConfiguration = params.capabilities.workspace?.configuration === true;
      const completionItem = params.capabilities.textDocument?.completion?.completionItem;
      snippetSupport = completionItem?.snippetSupport === true;
      // Clients that resolve items one by one get lists without what they resolve.
      resolvedProperties = completionItem?.resolveSupport?.properties ?? [];
      takesDefaultEditRange =
        params.capabilities.textDocument?.completion?.completionList?.itemDefaults?.includes(
          "editRange",
        ) === true;
      // Clients without workspace/configuration (some Neovim setups) pass settings here.
      if (params.initializationOptions) settings = readSettings(params.initializationOptions);
      return {
        capabilities: {
          textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
          hoverProvider: true,
          completionProvider: {
            triggerCharacters: ["$", "{", "=", ":", ",", " "],
            resolveProvider: true,
          },
          codeActionProvider: { codeActionKinds: ["quickfix"] },
          documentSymbolProvider: { label: "Postfix" },
          workspaceSymbolProvider: true,
          foldingRangeProvider: true,
          selectionRangeProvider: true,
          definitionProvider: true,
          referencesProvider: true,
          documentHighlightProvider: true,
          renameProvider: { prepareProvider: true },
          documentFormattingProvider: true,
          documentRangeFormattingProvider: true,
        },
        serverInfo: { name: "postfix-lsp" },
      };
    }),
  );

  connection.onInitialized(() => void refreshSettings());
  connection.onDidChangeConfiguration(
    guard("configuration", undefined, (change) => {
      const section = (change.settings as { postfix?: unknown } | undefined)?.postfix;
      if (section) settings = readSettings(section);
      void refreshSettings();
      for (const uri of documents.keys()) scheduleValidation(uri);
    }),
  );

  connection.onHover(
    guard("hover", null, ({ textDocument, position }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return null;
      return doHover(document.config, document.text, position, { version: settings.version });
    }),
  );

  connection.onCompletion(
    guard("completion", null, ({ textDocument, position }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return null;
      return doComplete(document.config, document.text, position, {
        version: settings.version,
        snippetSupport,
        deferred: {
          documentation: resolvedProperties.includes("documentation"),
          detail: resolvedProperties.includes("detail"),
        },
        itemDefaults: takesDefaultEditRange,
      });
    }),
  );

  // On failure the item goes back as it came.
  connection.onCompletionResolve(
    guardWith(
      "completionResolve",
      (item: CompletionItem) => item,
      (item: CompletionItem) => resolveCompletion(item, settings.version),
    ),
  );

  connection.onCodeAction(
    guard("codeAction", [], ({ textDocument, context }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return [];
      return doCodeActions(document.config, document.text, textDocument.uri, context.diagnostics);
    }),
  );

  connection.onDocumentSymbol(
    guard("documentSymbol", [], ({ textDocument }) =>
      withFiles(textDocument.uri, [], (file) => findDocumentSymbols(file.config, file.mapper)),
    ),
  );

  connection.onWorkspaceSymbol(
    guard("workspaceSymbol", [], ({ query }) => {
      // The open files and their siblings, each once.
      const files = new Map<string, ConfigFile>();
      for (const [uri, document] of documents) {
        if (document.tooLarge) continue;
        files.set(uri, { uri, config: document.config, mapper: document.text });
        const sibling = siblingFile(uri, document);
        if (sibling && !files.has(sibling.uri)) files.set(sibling.uri, sibling);
      }
      return findWorkspaceSymbols([...files.values()], query);
    }),
  );

  connection.onFoldingRanges(
    guard("foldingRanges", [], ({ textDocument }) =>
      withFiles(textDocument.uri, [], (file) => getFoldingRanges(file.config, file.mapper)),
    ),
  );

  connection.onSelectionRanges(
    guard("selectionRanges", [], ({ textDocument, positions }) =>
      withFiles(textDocument.uri, [], (file) =>
        getSelectionRanges(file.config, file.mapper, positions),
      ),
    ),
  );

  connection.onDocumentFormatting(
    guard("formatting", [], ({ textDocument }) =>
      withFiles(textDocument.uri, [], (file) =>
        format(file.config.text, file.config.kind, settings.format),
      ),
    ),
  );

  connection.onDocumentRangeFormatting(
    guard("rangeFormatting", [], ({ textDocument, range }) =>
      withFiles(textDocument.uri, [], (file) =>
        format(file.config.text, file.config.kind, settings.format, range),
      ),
    ),
  );

  connection.onDefinition(
    guard("definition", [], ({ textDocument, position }) =>
      withFiles(textDocument.uri, [], (file, sibling) =>
        findDefinition(file, position, sibling, { version: settings.version }),
      ),
    ),
  );

  connection.onReferences(
    guard("references", [], ({ textDocument, position, context }) =>
      withFiles(textDocument.uri, [], (file, sibling) =>
        findReferences(file, position, sibling, {
          version: settings.version,
          includeDeclaration: context.includeDeclaration,
        }),
      ),
    ),
  );

  connection.onDocumentHighlight(
    guard("documentHighlight", [], ({ textDocument, position }) =>
      withFiles(textDocument.uri, [], (file, sibling) =>
        findDocumentHighlights(file, position, sibling, { version: settings.version }),
      ),
    ),
  );

  // A refused rename answers with an error whose message the editor shows.
  const orRefusal = <R extends object>(result: R | { error: string }): R => {
    if ("error" in result) throw new ResponseError(ErrorCodes.InvalidRequest, result.error);
    return result;
  };

  connection.onPrepareRename(
    guard("prepareRename", null, ({ textDocument, position }) =>
      withFiles(textDocument.uri, null, (file, sibling) =>
        orRefusal(prepareRename(file, position, sibling, { version: settings.version })),
      ),
    ),
  );

  connection.onRenameRequest(
    guard("rename", null, ({ textDocument, position, newName }) =>
      withFiles(textDocument.uri, null, (file, sibling) =>
        orRefusal(doRename(file, position, newName, sibling, { version: settings.version })),
      ),
    ),
  );

  // Custom requests behind the client's "Postfix: Look up parameter" command.
  connection.onRequest(
    "postfix/listParameters",
    guard("listParameters", [], () => listParameters(settings.version)),
  );
  connection.onRequest(
    "postfix/parameterReference",
    guard("parameterReference", "", (params: { name: string }) =>
      typeof params?.name === "string" ? parameterReference(params.name, settings.version) : "",
    ),
  );

  connection.onDidOpenTextDocument(
    guard("open", undefined, ({ textDocument }) => {
      const kind = configKindOf(textDocument.languageId, textDocument.uri);
      if (!kind) return;
      const text = new EditableText(textDocument.text);
      const tooLarge = textDocument.text.length > MAX_ANALYSED_LENGTH;
      const config = parseConfig(kind, tooLarge ? "" : textDocument.text);
      documents.set(textDocument.uri, { text, version: textDocument.version, config, tooLarge });
      scheduleValidationWithSibling(textDocument.uri);
    }),
  );

  connection.onDidChangeTextDocument(
    guard("change", undefined, ({ textDocument, contentChanges }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return;
      let reparse = document.tooLarge;
      for (const change of contentChanges) {
        if (!reparse) {
          try {
            if ("range" in change) {
              const start = document.text.offsetAt(change.range.start);
              const end = Math.max(start, document.text.offsetAt(change.range.end));
              document.config = updateConfig(document.config, { start, end, newText: change.text });
            } else {
              reparse = true;
            }
          } catch (error) {
            log("postfix-lsp: incremental update failed; parsing the whole document", error);
            reparse = true;
          }
        }
        document.text.applyChange(change);
      }
      document.version = textDocument.version;
      // Never keep a parse that may disagree with the text.
      document.tooLarge = document.text.length > MAX_ANALYSED_LENGTH;
      if (reparse || document.tooLarge) {
        document.config = parseConfig(
          document.config.kind,
          document.tooLarge ? "" : document.text.getText(),
        );
      }
      scheduleValidationWithSibling(textDocument.uri);
    }),
  );

  connection.onDidCloseTextDocument(
    guard("close", undefined, ({ textDocument }) => {
      clearTimeout(pendingValidations.get(textDocument.uri));
      pendingValidations.delete(textDocument.uri);
      documents.delete(textDocument.uri);
      void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
    }),
  );

  connection.listen();
}

process.on("uncaughtException", (error) => console.error("postfix-lsp: uncaught exception", error));
process.on("unhandledRejection", (reason) =>
  console.error("postfix-lsp: unhandled rejection", reason),
);

startServer(createConnection(ProposedFeatures.all));
