import {
  type CodeAction,
  CodeActionKind,
  type Command,
  type Position,
  type CompletionItem,
  type Connection,
  type ExecuteCommandParams,
  ShowDocumentRequest,
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
import { existsSync, type FSWatcher, watch } from "node:fs";
import { basename, dirname, join } from "node:path";
import { CERTIFICATE_MAX_BYTES, HostFileReader } from "./files/hostFiles";
import { type HostFiles, hostFilesOf } from "./service/hostFiles";
import {
  FINGERPRINT_DIGEST_PARAMETER,
  certificateFingerprint,
  fingerprintDigestAt,
  fingerprintSlotAt,
  tlsaRecords,
} from "./service/certificateInfo";
import { type RuleContext, createRuleContext } from "./service/rules/context";
import { RegularFileCheck, SafeFileCache, decodeText, diskPathOfUri } from "./files/safeRead";
import { pathToFileURL } from "node:url";
import { findDocumentLinks } from "./service/links";
import { getInlayHints } from "./service/inlayHints";
import { EXPLAIN_RULE_COMMAND, doCodeActions } from "./service/codeActions";
import { pageOf } from "./service/rules/rulePage";
import { getRule } from "./service/rules/ruleTable";
import { excerpt } from "./service/text/excerpt";
import { doComplete, prepareCompletion, resolveCompletion } from "./service/completion";
import { doHover } from "./service/hover";
import { listParameters, parameterReference } from "./service/reference";
import { AUTO_VERSION, type ServerSettings, readSettings } from "./settings";
import { NEWEST_VERSION, SUPPORTED_VERSIONS } from "./service/data/parameters";
import { type Detection, detectRelease } from "./host/detectRelease";
import { DEFAULT_POSTCONF_PATH, checkConfiguration } from "./host/postconf";
import { ORIGIN_DETAIL, type ReleaseInUse, describeRelease, releaseInUse } from "./host/release";
import { findingsWeMiss, postconfFindings } from "./service/postconfMessages";
import {
  MAX_ANALYSED_LENGTH,
  doValidation,
  hostFileRequestSteps,
  hostFilesNotCheckedDiagnostic,
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
/** Certificates are checked again this often, so that expiry shows without an edit. */
const HOST_FILES_RECHECK_MS = 24 * 60 * 60 * 1000;
/** Directories watched for changes to host files; past this many, only the daily check. */
const MAX_WATCHED_DIRECTORIES = 64;
/** Sent by the VS Code client when the user grants trust: `{ trusted: true }`. */
const WORKSPACE_TRUST_NOTIFICATION = "postfix/workspaceTrust";
/** Sent to the client whenever the release in use changes (status bar). */
const RELEASE_NOTIFICATION = "postfix/release";
/** Asked by the client's "Check with postconf" command: `{ uri }`. */
const CHECK_WITH_POSTCONF_REQUEST = "postfix/checkWithPostconf";

/** The answer to postfix/checkWithPostconf, for the client to show. */
interface PostconfCheckResult {
  ok: boolean;
  /** postconf's findings, when it ran. */
  findings?: number;
  message: string;
}

const failed = (message: string): PostconfCheckResult => ({ ok: false, message });
const neverAborted = new AbortController().signal;
/** `{ id }` → the rule's page as Markdown, or null for an unknown id. */
const RULE_PAGE_REQUEST = "postfix/rulePage";

/**
 * The file URI of a rule's bundled page (docs/rules/<id>.md beside dist/), for a
 * known rule id only: the id never becomes a path otherwise.
 */
function bundledRulePage(id: string): string | undefined {
  if (!getRule(id)) return undefined;
  const page = join(__dirname, "..", "docs", "rules", `${id}.md`);
  return existsSync(page) ? pathToFileURL(page).href : undefined;
}

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
    // Until resolveRelease() has looked again, "auto" keeps the release found before.
    if (settings.release === AUTO_VERSION && release.origin !== "setting")
      settings.version = release.line;
    // Before `initialized` the trust and the postconf path are not known yet.
    if (initialized) releaseResolved = resolveRelease();
  };
  let canPullConfiguration = false;
  let snippetSupport = false;
  /** Item properties the client asks for with completionItem/resolve. */
  let resolvedProperties: string[] = [];
  let takesDefaultEditRange = false;
  /** The client's foldingRange.rangeLimit (VS Code: 5,000); the rest of a file is not read. */
  let foldingRangeLimit = Infinity;

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
    // Checked against the release the settings ask for, once it is known.
    await releaseResolved;
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
      const host = await hostFilesFor(uri, document.config, sibling.config, pass.signal);
      if (!current()) return;
      const steps = validationSteps(
        document.config,
        document.text,
        // A sibling that is there but refused has its own diagnostic.
        { ...settings, noteMissingMaster: sibling.notRead === undefined, host: host.files },
        sibling.config,
        host.context,
      );
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          const notes = [sibling.notRead, host.notChecked].filter((note) => note !== undefined);
          const diagnostics = notes.length > 0 ? [...notes, ...step.value] : step.value;
          diagnostics.push(...postconfResultOf(uri, version));
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

  /** What "Check with postconf" found per document, for the version it checked. */
  const postconfResults = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
  /** postconf's findings for this version of the document; none once it was edited. */
  const postconfResultOf = (uri: string, version: number): Diagnostic[] => {
    const result = postconfResults.get(uri);
    if (result?.version === version) return result.diagnostics;
    postconfResults.delete(uri);
    return [];
  };

  const siblingUriOf = (uri: string, kind: ConfigKind) =>
    uri.replace(/[^/]*$/, `${kind === "main" ? "master" : "main"}.cf`);

  /** Directories of the workspace folders: sibling links may point into them. */
  let workspaceRoots: string[] = [];
  const siblingFiles = {
    main: new SafeFileCache((bytes) => parseConfig("main", decodeText(bytes))),
    master: new SafeFileCache((bytes) => parseConfig("master", decodeText(bytes))),
  };
  /** Which paths named by document links exist, answered again after a few seconds. */
  const linkTargets = new RegularFileCheck();
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

  const hostFileReader = new HostFileReader({ maxBytes: CERTIFICATE_MAX_BYTES });
  /** The host files of the last validation per document, for hover and commands. */
  const lastHostFiles = new Map<string, HostFiles>();

  /**
   * The certificates and keys a document's configuration names, read when file
   * checks are on (postfix.checkFiles) and the workspace is trusted. In an
   * untrusted workspace nothing is opened or stat'ed; main.cf (or master.cf when
   * main.cf is not open) gets one information diagnostic that says so.
   */
  const hostFilesFor = async (
    uri: string,
    config: ParsedConfig,
    sibling: ParsedConfig | undefined,
    signal: AbortSignal,
  ): Promise<{ files?: HostFiles; notChecked?: Diagnostic; context?: RuleContext }> => {
    lastHostFiles.delete(uri);
    if (!settings.checkFiles) return {};
    // In steps, like validation: at 100k lines the rule context takes a while to build.
    const steps = hostFileRequestSteps(config, settings, sibling);
    let step = steps.next();
    for (; !step.done; step = steps.next()) {
      await new Promise((resolve) => setImmediate(resolve));
      signal.throwIfAborted();
    }
    const { requests, context } = step.value;
    if (requests.length === 0) return { context };
    if (!workspaceTrust.trusted) {
      const reportsHere = config.kind === "main" || !documents.has(siblingUriOf(uri, config.kind));
      return {
        context,
        notChecked: reportsHere ? hostFilesNotCheckedDiagnostic(requests.length) : undefined,
      };
    }
    const read = await hostFileReader.read(requests, signal);
    watchDirectoriesOf(requests.map((request) => request.path));
    const files = hostFilesOf(read, Date.now(), settings.certificates.expiryWarningDays);
    lastHostFiles.set(uri, files);
    return { files, context };
  };

  /**
   * Watches the directories of the host files: a renewal replaces a file or the
   * link to it (certbot), which a watch on the file itself would miss. Any change
   * there revalidates the open documents (debounced); the daily timer covers the
   * rest, expiry in particular.
   */
  const watchedDirectories = new Map<string, FSWatcher>();
  const watchDirectoriesOf = (paths: string[]) => {
    for (const directory of new Set(paths.map((path) => dirname(path)))) {
      if (watchedDirectories.has(directory)) continue;
      if (watchedDirectories.size >= MAX_WATCHED_DIRECTORIES) return;
      try {
        const watcher = watch(directory, { persistent: false }, () => {
          for (const uri of documents.keys()) scheduleValidation(uri);
        });
        watcher.on("error", () => {
          watcher.close();
          watchedDirectories.delete(directory);
        });
        watchedDirectories.set(directory, watcher);
      } catch {
        // A directory that is missing or cannot be watched: the daily check covers it.
      }
    }
  };
  setInterval(() => {
    for (const uri of documents.keys()) scheduleValidation(uri);
  }, HOST_FILES_RECHECK_MS).unref();

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
  let initialized = false;
  const setTrust = (trusted: unknown) => {
    if (typeof trusted !== "boolean") return;
    const changed = workspaceTrust.trusted !== trusted;
    workspaceTrust.trusted = trusted;
    // Trust allows asking postconf; the release may then be known more exactly.
    if (changed && initialized) releaseResolved = resolveRelease();
    connection.console.info(
      trusted
        ? "postfix-lsp: the workspace is trusted."
        : "postfix-lsp: the workspace is not trusted (restricted mode): files named in the configuration (certificates, keys, lookup tables) are not read.",
    );
  };

  /**
   * The postconf the user's own settings name: initializationOptions.postconfPath,
   * which the VS Code client takes from the machine-wide setting postfix.postconfPath.
   * Never from the `postfix` settings section, which a workspace may set.
   */
  let postconfPath = DEFAULT_POSTCONF_PATH;
  /** The host's release, found once per trust state (postconf runs only when trusted). */
  let hostRelease: { trusted: boolean; found: Promise<Detection> } | undefined;
  let release: ReleaseInUse = releaseInUse(NEWEST_VERSION, "newest");
  /** Settles when the release for the current settings is known; validation waits for it. */
  let releaseResolved: Promise<void> = Promise.resolve();
  let announcedRelease = "";

  const findHostRelease = (): Promise<Detection> => {
    const trusted = workspaceTrust.trusted;
    if (hostRelease?.trusted !== trusted) {
      const found = detectRelease({ postconfPath: trusted ? postconfPath : undefined });
      hostRelease = { trusted, found };
      void found.then(({ notes, release: found }) => {
        for (const note of notes) connection.console.info(`postfix-lsp: ${note}`);
        connection.console.info(
          `postfix-lsp: the host's Postfix is ${found.release}, from ${ORIGIN_DETAIL[found.origin]}.`,
        );
      });
    }
    return hostRelease.found;
  };

  /** Sets the release in use from the settings (and, for "auto", the host), and tells the client. */
  const resolveRelease = async (): Promise<void> => {
    try {
      const next =
        settings.release === AUTO_VERSION
          ? (await findHostRelease()).release
          : releaseInUse(settings.release, "setting");
      // Settings read while detecting have their own pass.
      if ((settings.release === AUTO_VERSION) !== (next.origin !== "setting")) return;
      release = next;
      settings.version = next.line;
      const announcement = JSON.stringify(next);
      if (announcement === announcedRelease) return;
      announcedRelease = announcement;
      void connection.sendNotification(RELEASE_NOTIFICATION, {
        ...next,
        description: describeRelease(next),
        source: ORIGIN_DETAIL[next.origin],
      });
      for (const uri of documents.keys()) scheduleValidation(uri);
    } catch (error) {
      log("postfix-lsp: finding the Postfix release failed", error);
    }
  };

  /** "3.7.11, detected on this host" for the hover's default, unless the setting says just "3.7". */
  const releaseNote = () =>
    release.origin === "setting" && release.release === release.line
      ? undefined
      : describeRelease(release);

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
      const rangeLimit = params.capabilities.textDocument?.foldingRange?.rangeLimit;
      if (typeof rangeLimit === "number" && rangeLimit > 0) foldingRangeLimit = rangeLimit;
      // Clients without workspace/configuration (some Neovim setups) pass settings here.
      if (params.initializationOptions) applySettings(params.initializationOptions);
      const {
        trusted,
        postconfPath: chosenPostconf,
        explainsRules,
      } = (params.initializationOptions ?? {}) as {
        trusted?: unknown;
        postconfPath?: unknown;
        explainsRules?: unknown;
      };
      setTrust(typeof trusted === "boolean" ? trusted : true);
      if (typeof chosenPostconf === "string" && chosenPostconf.length > 0)
        postconfPath = chosenPostconf;
      workspaceRoots = (params.workspaceFolders ?? [])
        .map((folder) => diskPathOfUri(folder.uri))
        .filter((path) => path !== undefined);
      return {
        capabilities: {
          textDocumentSync: {
            openClose: true,
            change: TextDocumentSyncKind.Incremental,
            save: { includeText: false },
          },
          hoverProvider: true,
          completionProvider: {
            triggerCharacters: ["$", "{", "=", ":", ",", " "],
            resolveProvider: true,
          },
          codeActionProvider: {
            codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.RefactorRewrite],
          },
          // The VS Code client shows rule pages itself, in the Markdown preview; for
          // other clients the server opens the bundled page (window/showDocument).
          ...(explainsRules === true
            ? {}
            : { executeCommandProvider: { commands: [EXPLAIN_RULE_COMMAND] } }),
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

  connection.onInitialized(() => {
    initialized = true;
    releaseResolved = resolveRelease();
    void refreshSettings();
  });
  connection.onNotification(
    WORKSPACE_TRUST_NOTIFICATION,
    guard("workspaceTrust", undefined, (params: { trusted?: unknown } | undefined) => {
      setTrust(params?.trusted);
      // Files the configuration names are read (or not) from now on.
      for (const uri of documents.keys()) scheduleValidation(uri);
    }),
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
      return doHover(current.config, current.text, position, {
        version: settings.version,
        releaseNote: releaseNote(),
        main,
        host: lastHostFiles.get(textDocument.uri),
      });
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

  connection.onRequest(
    RULE_PAGE_REQUEST,
    guard("rulePage", null, (params: { id?: unknown } | undefined) =>
      typeof params?.id === "string" ? (pageOf(params.id) ?? null) : null,
    ),
  );

  connection.onExecuteCommand(
    guard("executeCommand", undefined, async (params: ExecuteCommandParams) => {
      const id = params.arguments?.[0];
      if (params.command !== EXPLAIN_RULE_COMMAND || typeof id !== "string") return;
      const page = bundledRulePage(id);
      if (page) await connection.sendRequest(ShowDocumentRequest.type, { uri: page });
      else connection.window.showWarningMessage(`postfix-lsp has no rule page for ${excerpt(id)}.`);
    }),
  );

  connection.onCodeAction(
    guard("codeAction", [], ({ textDocument, context, range }) => {
      const document = documents.get(textDocument.uri);
      if (!document) return [];
      const actions: (CodeAction | Command)[] = doCodeActions(
        document.config,
        document.text,
        textDocument.uri,
        context.diagnostics,
      );
      const insert = insertFingerprintAction(textDocument.uri, document, range.start);
      return insert ? [...actions, insert] : actions;
    }),
  );

  /**
   * "Insert fingerprint" where a fingerprint goes (a fingerprint parameter's value,
   * or match= in a fingerprint policy): the client asks the user for a certificate
   * file and calls postfix/fingerprint, then inserts the separator and the answer.
   */
  const insertFingerprintAction = (
    uri: string,
    document: OpenDocument,
    position: Position,
  ): CodeAction | undefined => {
    if (!workspaceTrust.trusted || !settings.checkFiles) return undefined;
    const slot = fingerprintSlotAt(document.config, document.text.offsetAt(position));
    if (!slot) return undefined;
    return {
      title: "Insert fingerprint from a certificate file…",
      kind: CodeActionKind.RefactorRewrite,
      command: {
        title: "Insert fingerprint",
        command: "postfix.insertFingerprint",
        arguments: [
          {
            uri,
            position: document.text.positionAt(slot.offset),
            separator: slot.separator,
            digestParameter: slot.digestParameter,
          },
        ],
      },
    };
  };

  // The fingerprint of a certificate file the user picked, in the digest in effect where it goes.
  connection.onRequest(
    "postfix/fingerprint",
    guard(
      "fingerprint",
      { error: "The fingerprint could not be computed." },
      async (params: {
        uri?: unknown;
        path?: unknown;
        digestParameter?: unknown;
        position?: Position;
      }) => {
        const document = typeof params?.uri === "string" ? documents.get(params.uri) : undefined;
        const { digestParameter, position } = params ?? {};
        if (
          !document ||
          typeof params.path !== "string" ||
          typeof digestParameter !== "string" ||
          !FINGERPRINT_DIGEST_PARAMETER.test(digestParameter) ||
          typeof position?.line !== "number" ||
          typeof position.character !== "number"
        )
          return { error: "Pick a certificate file for a place that takes a fingerprint." };
        if (!workspaceTrust.trusted)
          return { error: "Files are not read in an untrusted workspace." };
        const [file] = await hostFileReader.read([{ path: params.path, contents: true }]);
        if (!file.contents) return { error: `${params.path} ${file.detail ?? "was not read"}.` };
        const sibling = await siblingFile(params.uri as string, document);
        const configs = [document.config, sibling?.config];
        const context = createRuleContext(
          configs.find((config) => config?.kind === "main"),
          configs.find((config) => config?.kind === "master"),
          settings.version,
        );
        const offset = document.text.offsetAt(position);
        const digest = fingerprintDigestAt(context, document.config, offset, digestParameter);
        return certificateFingerprint(file.contents, digest);
      },
    ),
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
      withFiles(textDocument.uri, [], (file) =>
        getFoldingRanges(file.config, file.mapper, foldingRangeLimit),
      ),
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
        const exists = await linkTargets.areRegularFiles(candidates.map((link) => link.path));
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

  /**
   * Checks an open main.cf or master.cf, as it is in the editor, with the real
   * postconf: both files of its directory (open buffers, else the file on disk)
   * are written to a private temporary directory for `postconf -n` and `-M`.
   * postconf's findings become diagnostics of the open files until they change;
   * those our own rules do not report are logged as disagreements.
   */
  const checkWithPostconf = async (uri: string): Promise<PostconfCheckResult> => {
    if (!workspaceTrust.trusted) {
      return failed(
        "Check with postconf is off in an untrusted workspace: it runs a program on the workspace's files. Trust the workspace to use it.",
      );
    }
    const document = documents.get(uri);
    if (!document) return failed("Check with postconf needs an open main.cf or master.cf.");
    if (document.tooLarge) return failed("The file is too large to check.");
    // One check per file at a time: saving in quick succession does not pile up processes.
    if (runningChecks.has(uri)) return failed("A check of this file with postconf is running.");
    runningChecks.add(uri);
    try {
      return await checkOpenDocument(uri, document);
    } finally {
      runningChecks.delete(uri);
    }
  };
  const runningChecks = new Set<string>();

  const checkOpenDocument = async (
    uri: string,
    document: OpenDocument,
  ): Promise<PostconfCheckResult> => {
    const { kind } = document.config;
    const otherKind = kind === "main" ? "master" : "main";
    const siblingUri = siblingUriOf(uri, kind);
    const hasSibling = siblingUri !== uri;
    const openSibling = hasSibling ? documents.get(siblingUri) : undefined;
    const diskSibling =
      hasSibling && !openSibling ? await siblingOf(uri, document, neverAborted) : undefined;
    // postconf would read both files; without the one refused, its answer would be wrong.
    if (diskSibling?.notRead)
      return failed(
        `Check with postconf needs the ${otherKind}.cf beside this file, which was not read; see the file's diagnostics.`,
      );
    // The texts as they are now; edits made while postconf runs make its findings stale.
    const texts = {
      [kind]: document.text.getText(),
      [otherKind]: openSibling?.text.getText() ?? diskSibling?.config?.text ?? "",
    } as Record<ConfigKind, string>;
    const open = {
      [kind]: { uri, version: document.version },
      [otherKind]: openSibling && { uri: siblingUri, version: openSibling.version },
    } as Record<ConfigKind, { uri: string; version: number } | undefined>;
    const check = await checkConfiguration(postconfPath, {
      main: texts.main,
      master: texts.master,
    });
    if ("problem" in check)
      return failed(`postconf could not check the configuration: ${check.problem}.`);
    const files = {
      main: { text: texts.main, mapper: new LineIndex(texts.main) },
      master: { text: texts.master, mapper: new LineIndex(texts.master) },
    };
    const findings = postconfFindings(check.stderr, check.dir, files, kind);
    const configs = {
      main: parseConfig("main", texts.main),
      master: parseConfig("master", texts.master),
    };
    let shown = 0;
    let logged = 0;
    for (const fileKind of ["main", "master"] as const) {
      const found = findings[fileKind];
      const sibling = configs[fileKind === "main" ? "master" : "main"];
      const ours = doValidation(configs[fileKind], files[fileKind].mapper, settings, sibling);
      for (const missed of findingsWeMiss(found, ours)) {
        connection.console.warn(
          `postfix-lsp: postconf and postfix-lsp disagree on ${fileKind}.cf line ${missed.range.start.line + 1}: ${missed.message}; postfix-lsp reports nothing there. Please report this as a postfix-lsp bug.`,
        );
      }
      const target = open[fileKind];
      if (!target) {
        for (const finding of found)
          connection.console.info(
            `postfix-lsp: ${fileKind}.cf (not open) line ${finding.range.start.line + 1}: ${finding.message}`,
          );
        logged += found.length;
        continue;
      }
      shown += found.length;
      postconfResults.set(target.uri, { version: target.version, diagnostics: found });
      scheduleValidation(target.uri);
    }
    const inLog =
      logged > 0 ? `; ${logged} about ${otherKind}.cf, which is not open, in the log` : "";
    return {
      ok: true,
      findings: shown + logged,
      message:
        shown + logged === 0
          ? "postconf found no problem."
          : `postconf found ${shown + logged} problem${shown + logged === 1 ? "" : "s"}: ${shown} in the Problems panel${inLog}.`,
    };
  };

  // The release lines the "Postfix: Choose release" command offers.
  connection.onRequest(
    "postfix/releaseLines",
    guard("releaseLines", [], () => [...SUPPORTED_VERSIONS]),
  );

  connection.onRequest(
    CHECK_WITH_POSTCONF_REQUEST,
    guard(
      "checkWithPostconf",
      failed("Check with postconf failed; see the server log."),
      (params: { uri?: unknown } | undefined) =>
        typeof params?.uri === "string"
          ? checkWithPostconf(params.uri)
          : failed("Check with postconf needs the URI of an open file."),
    ),
  );

  connection.onDidSaveTextDocument(
    guard("save", undefined, ({ textDocument }) => {
      if (!settings.postconf.checkOnSave || !workspaceTrust.trusted) return;
      void checkWithPostconf(textDocument.uri).then((result) => {
        if (!result.ok) connection.console.warn(`postfix-lsp: ${result.message}`);
      });
    }),
  );

  // Behind the client's "Postfix: Show TLSA records" command: from the last file check.
  connection.onRequest(
    "postfix/tlsaRecords",
    guard("tlsaRecords", { records: [], note: "" }, async (params: { uri?: unknown }) => {
      const uri = typeof params?.uri === "string" ? params.uri : undefined;
      const document = uri ? documents.get(uri) : undefined;
      if (!uri || !document) return { records: [], note: "Open main.cf or master.cf first." };
      const host = lastHostFiles.get(uri);
      if (!host) {
        return {
          records: [],
          note: workspaceTrust.trusted
            ? "No certificate was read: turn on postfix.checkFiles, or name smtpd_tls_chain_files or smtpd_tls_cert_file."
            : "Certificates are not read in an untrusted workspace.",
        };
      }
      const sibling = await siblingFile(uri, document);
      const files = [document.config, sibling?.config];
      const main = files.find((config) => config?.kind === "main");
      const master = files.find((config) => config?.kind === "master");
      const records = tlsaRecords(main, master, host, settings.version);
      return {
        records,
        note: records.length === 0 ? "smtpd has no certificate that could be read." : "",
      };
    }),
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
      lastHostFiles.delete(textDocument.uri);
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
