// Bundles the VS Code client, the language server and the postfix-lint CLI with esbuild.
import { build } from "esbuild";
import { compressedData } from "./bundleData.mjs";

const production = process.argv.includes("--production");

const common = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  sourcemap: production ? false : "linked",
  minify: production,
  logLevel: "warning",
  // The hand-written docs (Markdown) and the generated facts, as compressed strings.
  plugins: [compressedData],
};

await Promise.all([
  build({
    ...common,
    entryPoints: ["client/src/extension.ts"],
    outfile: "dist/client.js",
    external: ["vscode"],
  }),
  build({
    ...common,
    entryPoints: ["server/src/server.ts"],
    outfile: "dist/server.js",
    banner: { js: "#!/usr/bin/env node" },
  }),
  build({
    ...common,
    entryPoints: ["server/src/cli.ts"],
    outfile: "dist/cli.js",
    banner: { js: "#!/usr/bin/env node" },
  }),
]);
