import {
  ErrorCodes,
  IPCMessageReader,
  IPCMessageWriter,
  Message,
  type MessageReader,
  type MessageWriter,
  type ResponseMessage,
  StreamMessageReader,
  StreamMessageWriter,
  createServerPipeTransport,
  createServerSocketTransport,
} from "vscode-languageserver/node";

/**
 * The server's end of the JSON-RPC channel, with the LSP lifecycle enforced where
 * every message passes: vscode-languageserver answers requests before `initialize`
 * and, after a framing error, keeps running without ever answering again, so the
 * client cannot tell that it should restart the server. Here, a request before
 * `initialize` gets ServerNotInitialized, and a framing error or a closed channel
 * ends the process (status 1 unless `shutdown` came first), which the VS Code
 * client answers by restarting the server.
 */

export interface Transport {
  reader: MessageReader;
  writer: MessageWriter;
  /** Messages go over stdout, which nothing else may then write to. */
  stdio: boolean;
}

export const TRANSPORT_USAGE =
  "usage: postfix-language-server --stdio | --node-ipc | --socket=PORT | --pipe=NAME";

/** The transport the command line names, as vscode-languageserver reads it; undefined if none. */
export function transportFromArguments(args: readonly string[]): Transport | undefined {
  for (let i = 0; i < args.length; i++) {
    const [flag, inlineValue] = args[i].split(/=(.*)/s);
    const value = () => inlineValue ?? args[i + 1] ?? "";
    if (flag === "--stdio") {
      return {
        reader: new StreamMessageReader(process.stdin),
        writer: new StreamMessageWriter(process.stdout),
        stdio: true,
      };
    }
    if (flag === "--node-ipc") {
      return {
        reader: new IPCMessageReader(process),
        writer: new IPCMessageWriter(process),
        stdio: false,
      };
    }
    if (flag === "--socket") {
      const port = Number.parseInt(value(), 10);
      if (!Number.isInteger(port)) return undefined;
      const [reader, writer] = createServerSocketTransport(port);
      return { reader, writer, stdio: false };
    }
    if (flag === "--pipe") {
      if (!value()) return undefined;
      const [reader, writer] = createServerPipeTransport(value());
      return { reader, writer, stdio: false };
    }
  }
  return undefined;
}

/** How the process ends; a parameter so that the policy is visible in one place. */
export type Exit = (status: number, reason: string) => void;

/**
 * Wraps the transport's reader so that the connection sees only what LSP allows:
 * before `initialize`, requests are answered with ServerNotInitialized (-32002) and
 * notifications other than `exit` are dropped. A read error (a header without
 * Content-Length, a body that is not JSON) means the stream is out of step and no
 * later message can be trusted: the process exits with status 1. So it does when
 * the channel closes without `shutdown`, as LSP asks for `exit` without `shutdown`.
 */
export function lifecycleReader(transport: Transport, exit: Exit): MessageReader {
  const { reader, writer } = transport;
  let initialized = false;
  let shutdownRequested = false;
  reader.onError((error) =>
    exit(
      1,
      `postfix-lsp: the message stream is corrupt (${errorText(error)}); exiting so that the client restarts the server.`,
    ),
  );
  reader.onClose(() =>
    exit(
      shutdownRequested ? 0 : 1,
      shutdownRequested
        ? ""
        : "postfix-lsp: the client closed the connection without shutdown; exiting.",
    ),
  );
  const notInitialized = (id: ResponseMessage["id"]): ResponseMessage => ({
    jsonrpc: "2.0",
    id,
    error: {
      code: ErrorCodes.ServerNotInitialized,
      message:
        "The server is not initialized: it answers requests only after the initialize request. Send initialize first.",
    },
  });
  return {
    onError: reader.onError,
    onClose: reader.onClose,
    onPartialMessage: reader.onPartialMessage,
    dispose: () => reader.dispose(),
    listen: (callback) =>
      reader.listen((message) => {
        if (Message.isRequest(message)) {
          if (message.method === "initialize") initialized = true;
          if (!initialized) {
            void writer.write(notInitialized(message.id));
            return;
          }
          if (message.method === "shutdown") shutdownRequested = true;
        } else if (
          !initialized &&
          !(Message.isNotification(message) && message.method === "exit")
        ) {
          return;
        }
        callback(message);
      }),
  };
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // The reader quotes the headers it got; a client could send many.
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}
