// The service functions the in-process benchmarks call, bundled by bench/run.mjs
// with the same esbuild settings as the server, so they run the code the server runs.
export { parseConfig, updateConfig } from "../server/src/service/parser/document";
export { doValidation } from "../server/src/service/validation";
export { doHover } from "../server/src/service/hover";
export { doComplete } from "../server/src/service/completion";
export { EditableText } from "../server/src/service/text/editableText";
