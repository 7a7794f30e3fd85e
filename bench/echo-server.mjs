// A JSON-RPC peer that does no work: it answers `bench/answer` with the answer it
// was last given by `bench/keep`. The benchmark sends it each navigation request's
// real answer, to time what carrying an answer of that size costs on this machine
// (serialising, the pipe, parsing) apart from the server's own work and heap.
import jsonrpc from "vscode-jsonrpc/node";

const { StreamMessageReader, StreamMessageWriter, createMessageConnection } = jsonrpc;
const connection = createMessageConnection(
  new StreamMessageReader(process.stdin),
  new StreamMessageWriter(process.stdout),
);
let kept = null;
connection.onRequest("bench/keep", (answer) => {
  kept = answer;
  return null;
});
connection.onRequest("bench/answer", () => kept);
// Stands in for the edit the benchmark sends before each request.
connection.onNotification("bench/edit", () => undefined);
connection.listen();
