import {
  type CompletionItem,
  type Connection,
  type Diagnostic,
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
import { basename, dirname, join } from "node:path";
import { SafeFileCache, decodeText, diskPathOfUri, isRegularFile } from "./files/safeRead";
import { pathToFileURL } from "node:url";
import { findDocumentLinks } from "./service/links";
import { getInlayHints } from "./service/inlayHints";
import { doCodeActions } from "./service/codeActions";
import { doComplete, prepareCompletion, resolveCompletion } from "./service/completion";
import { doHover } from "./service/hover";
import { listParameters, parameterReference } from "./service/reference";
import { type ServerSettings, readSettings } from "./settings";
import {
  MAX_ANALYSED_LENGTH,
  siblingNotReadDiagnostic,
  tooLargeDiagnostic,
  validationSteps,
} from "./service/validation";
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
import { type Exit, TRANSPORT_USAGE, lifecycleReader, transportFromArguments } from "./transport";
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
/** A configuration names a few dozen files; past this many, no more are looked at. */
const MAX_DOCUMENT_LINKS = 500;
const MAX_REPORTED_SETTINGS_PROBLEMS = 1000;
/** Sent by the VS Code client when the user grants trust: `{ trusted: true }`. */
const WORKSPACE_TRUST_NOTIFICATION = "postfix/workspaceTrust";

export function startServer(connection: Connection): void {
  const documents = new Map<string, OpenDocument>();
  const pendingValidations = new Map<string, ReturnType<typeof setTimeout>>();
  let settings: ServerSettings = readSettings(undefined);
  /** Settings problems already logged: each is logged once, however often settings are read. */
  const reportedSettingsProblems = new Set<string>();
  const applySettings = (section: unknown) => {
    settings = readSettings(section, (problem) => {
      if (reportedSettingsProblems.has(problem)) return;
      // Bounded: a workspace could vary the bad values without end.
      if (reportedSettingsProblems.size >= MAX_REPORTED_SETTINGS_PROBLEMS) return;
      reportedSettingsProblems.add(problem);
      connection.console.warn(`postfix-lsp: ${problem}`);
    });
  };
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
    fallback: Awaited<R>,
    handler: (...args: P) => R,
  ): (...args: P) => R {
    return guardWith(name, () => fallback, handler);
  }

  /**
   * guard() for a fallback that depends on the request's arguments. An
   * asynchronous handler is guarded too: its rejection is logged and answered
   * with the fallback.
   */
  function guardWith<P extends unknown[], R>(
    name: string,
    fallback: (...args: P) => Awaited<R>,
    handler: (...args: P) => R,
  ) {
    return (...args: P): R => {
      const recover = (error: unknown): Awaited<R> => {
        // A deliberate answer (a refused rename) goes to the client as it is.
        if (error instanceof ResponseError) throw error;
        log(`postfix-lsp: ${name} failed`, error);
        return fallback(...args);
      };
      try {
        const result = handler(...args);
        return (result instanceof Promise ? result.catch(recover) : result) as R;
      } catch (error) {
        return recover(error) as R;
      }
    };
  }

  /** The validation pass running per document; a newer one aborts it. */
  const runningValidations = new Map<string, AbortController>();

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
    const pass = new AbortController();
    runningValidations.get(uri)?.abort();
    runningValidations.set(uri, pass);
    const siblingUri = siblingUriOf(uri, document.config.kind);
    const siblingVersion = documents.get(siblingUri)?.version;
    const current = () =>
      runningValidations.get(uri) === pass &&
      documents.get(uri) === document &&
      document.version === version &&
      documents.get(siblingUri)?.version === siblingVersion;
    try {
      const sibling = await siblingOf(uri, document, pass.signal);
      if (!current()) return;
      const steps = validationSteps(
        document.config,
        document.text,
        // A sibling that is there but refused has its own diagnostic.
        { ...settings, noteMissingMaster: sibling.notRead === undefined },
        sibling.config,
      );
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          const diagnostics = sibling.notRead ? [sibling.notRead, ...step.value] : step.value;
          void connection.sendDiagnostics({ uri, version, diagnostics });
          return;
        }
        await new Promise((resolve) => setImmediate(resolve));
        if (!current()) return;
      }
    } catch (error) {
      if (!pass.signal.aborted) throw error;
    } finally {
      if (runningValidations.get(uri) === pass) runningValidations.delete(uri);
    }
  };

  const siblingUriOf = (uri: string, kind: ConfigKind) =>
    uri.replace(/[^/]*$/, `${kind === "main" ? "master" : "main"}.cf`);

  /** Directories of the workspace folders: sibling links may point into them. */
  let workspaceRoots: string[] = [];
  const siblingFiles = {
    main: new SafeFileCache((bytes) => parseConfig("main", decodeText(bytes))),
    master: new SafeFileCache((bytes) => parseConfig("master", decodeText(bytes))),
  };
  /** The last reason logged per sibling path, so that a refusal is logged once. */
  const loggedRefusals = new Map<string, string>();

  /**
   * The other file of the same config directory (master.cf beside main.cf and the
   * reverse): its open buffer if there is one, else the file on disk, read through
   * the safe file access and only for a plain file: URI. A file that is there but
   * refused (a FIFO, a device, too large, a link leaving the directory) yields a
   * diagnostic for the document, and one log line.
   */
  const siblingOf = async (
    uri: string,
    document: OpenDocument,
    signal: AbortSignal,
  ): Promise<{ config?: ParsedConfig; notRead?: Diagnostic }> => {
    const kind = document.config.kind === "main" ? "master" : "main";
    const siblingUri = siblingUriOf(uri, document.config.kind);
    if (siblingUri === uri) return {};
    const open = documents.get(siblingUri);
    if (open) return { config: open.config };
    const documentPath = diskPathOfUri(uri);
    if (!documentPath) return {};
    const configDir = dirname(documentPath);
    const path = join(configDir, `${kind}.cf`);
    // One stat per pass while the file stays the same; it is read again only when it changes.
    const read = await siblingFiles[kind].read(
      path,
      {
        maxBytes: MAX_ANALYSED_LENGTH,
        allowedRoots: [configDir, ...workspaceRoots],
        followSymlinksOutside: settings.files.followSymlinksOutside,
      },
      signal,
    );
    if (read.ok) {
      loggedRefusals.delete(path);
      return { config: read.value };
    }
    if (read.reason === "missing") return {};
    if (loggedRefusals.get(path) !== read.detail) {
      loggedRefusals.set(path, read.detail);
      connection.console.info(`postfix-lsp: not reading ${path}: it ${read.detail}`);
    }
    const remedy =
      read.reason === "symlink-outside"
        ? "To follow such links, enable the postfix.files.followSymlinksOutside setting."
        : read.reason === "too-large"
          ? "Postfix configuration files are normally a few kilobytes."
          : `Make ${basename(path)} a regular, readable file.`;
    return { notRead: siblingNotReadDiagnostic(basename(path), read.detail, remedy) };
  };

  /** Position mappers for sibling files read from disk, made once per parse. */
  const diskMappers = new WeakMap<ParsedConfig, LineIndex>();

  /** The sibling as navigation needs it: open buffer or file on disk, with positions. */
  const siblingFile = async (
    uri: string,
    document: OpenDocument,
  ): Promise<ConfigFile | undefined> => {
    const siblingUri = siblingUriOf(uri, document.config.kind);
    const open = documents.get(siblingUri);
    if (open) return { uri: siblingUri, config: open.config, mapper: open.text };
    // Validation keeps the read cached: this costs one stat while the file stays the same.
    const { config } = await siblingOf(uri, document, new AbortController().signal);
    if (!config) return undefined;
    let mapper = diskMappers.get(config);
    if (!mapper) diskMappers.set(config, (mapper = new LineIndex(config.text)));
    return { uri: siblingUri, config, mapper };
  };

  /** Runs a navigation request on an open document and its sibling. */
  const withFiles = async <R>(
    uri: string,
    fallback: R,
    request: (file: ConfigFile, sibling: ConfigFile | undefined) => R | Promise<R>,
  ): Promise<R> => {
    const document = documents.get(uri);
    if (!document || document.tooLarge) return fallback;
    const sibling = await siblingFile(uri, document);
    // The document may have changed while the sibling was read: use it as it is now.
    const current = documents.get(uri);
    if (!current || current.tooLarge) return fallback;
    return request({ uri, config: current.config, mapper: current.text }, sibling);
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

  /**
   * Whether the user trusts the workspace. VS Code says so in
   * initializationOptions.trusted and sends postfix/workspaceTrust when trust is
   * granted later. A client that says nothing (Neovim, Emacs, Helix) runs the server
   * on files its user chose to open, so the default is trusted. Features that read
   * files the configuration names (certificates, keys, lookup tables) must check it.
   */
  const workspaceTrust = { trusted: true };
  const setTrust = (trusted: unknown) => {
    if (typeof trusted !== "boolean") return;
    workspaceTrust.trusted = trusted;
    connection.console.info(
      trusted
        ? "postfix-lsp: the workspace is trusted."
        : "postfix-lsp: the workspace is not trusted (restricted mode): files named in the configuration (certificates, keys, lookup tables) are not read.",
    );
  };

  const refreshSettings = async () => {
    if (canPullConfiguration) {
      try {
        applySettings(await connection.workspace.getConfiguration("postfix"));
      } catch (error) {
        log("postfix-lsp: reading settings failed", error);
      }
      for (const uri of documents.keys()) scheduleValidation(uri);
    }
    // While idle, not in the first completion request of the session.
    setImmediate(() => {
      try {
        prepareCompletion(settings.version);
      } catch (error) {
        log("postfix-lsp: preparing completion failed", error);
      }
    });
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
      if (params.initializationOptions) applySettings(params.initializationOptions);
      const { trusted } = (params.initializationOptions ?? {}) as { trusted?: unknown };
      setTrust(typeof trusted === "boolean" ? trusted : true);
      workspaceRoots = (params.workspaceFolders ?? [])
        .map((folder) => diskPathOfUri(folder.uri))
        .filter((path) => path !== undefined);
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
          documentLinkProvider: { resolveProvider: false },
          inlayHintProvider: true,
          documentFormattingProvider: true,
          documentRangeFormattingProvider: true,
        },
        serverInfo: { name: "postfix-lsp" },
      };
    }),
  );

  connection.onInitialized(() => void refreshSettings());
  connection.onNotification(
    WORKSPACE_TRUST_NOTIFICATION,
    guard("workspaceTrust", undefined, (params: { trusted?: unknown } | undefined) =>
      setTrust(params?.trusted),
    ),
  );
  connection.onDidChangeConfiguration(
    guard("configuration", undefined, (change) => {
      const section = (change.settings as { postfix?: unknown } | undefined)?.postfix;
      if (section) applySettings(section);
      void refreshSettings();
      for (const uri of documents.keys()) scheduleValidation(uri);
    }),
  );

  connection.onHover(
    guard("hover", null, async ({ textDocument, position }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return null;
      // In master.cf the value in effect also depends on main.cf.
      const main =
        document.config.kind === "master"
          ? (await siblingFile(textDocument.uri, document))?.config
          : undefined;
      const current = documents.get(textDocument.uri);
      if (!current) return null;
      return doHover(current.config, current.text, position, { version: settings.version, main });
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
    guard("workspaceSymbol", [], async ({ query }) => {
      // The open files and their siblings, each once.
      const files = new Map<string, ConfigFile>();
      for (const [uri, document] of documents) {
        if (document.tooLarge) continue;
        files.set(uri, { uri, config: document.config, mapper: document.text });
        const sibling = await siblingFile(uri, document);
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

  connection.onDocumentLinks(
    guard("documentLinks", [], ({ textDocument }) =>
      withFiles(textDocument.uri, [], async (file, sibling) => {
        // A link is offered only to a file that exists, and finding that out is a
        // stat of a path the configuration names: trusted workspaces only.
        if (!workspaceTrust.trusted) return [];
        const main = file.config.kind === "main" ? undefined : sibling?.config;
        const candidates = findDocumentLinks(file.config, file.mapper, {
          version: settings.version,
          main,
          limit: MAX_DOCUMENT_LINKS,
        });
        const exists = await Promise.all(candidates.map((link) => isRegularFile(link.path)));
        return candidates
          .filter((_, index) => exists[index])
          .map(({ range, path, tooltip }) => ({
            range,
            target: pathToFileURL(path).href,
            tooltip,
          }));
      }),
    ),
  );

  connection.languages.inlayHint.on(
    guard("inlayHints", [], ({ textDocument, range }) =>
      withFiles(textDocument.uri, [], (file, sibling) =>
        getInlayHints(file.config, file.mapper, range, {
          version: settings.version,
          main: file.config.kind === "main" ? undefined : sibling?.config,
          ...settings.inlayHints,
        }),
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

const transport = transportFromArguments(process.argv.slice(2));
if (!transport) {
  process.stderr.write(`postfix-lsp: no transport given.\n${TRANSPORT_USAGE}\n`);
  process.exit(2);
}
// Over stdio, stdout carries the messages: anything logged goes to stderr.
if (transport.stdio) console.log = console.info = console.debug = console.warn = console.error;
const exit: Exit = (status, reason) => {
  if (reason) process.stderr.write(`${reason}\n`);
  process.exit(status);
};
startServer(
  createConnection(ProposedFeatures.all, lifecycleReader(transport, exit), transport.writer),
);
