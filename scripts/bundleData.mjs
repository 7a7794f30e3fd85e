// An esbuild plugin shared by scripts/build.mjs and bench/run.mjs: the large data
// files (the hand-written docs and the generated facts) go into the bundles
// gzip-compressed and are inflated once, when the bundle loads (about 2 ms). The
// server bundle then stays under 1 MB as rules and docs grow; the text is the same.
import { readFile } from "node:fs/promises";
import { gzipSync } from "node:zlib";

export const compressedData = {
  name: "compressed-data",
  setup(bundler) {
    bundler.onLoad({ filter: /\.(md|generated\.json)$/ }, async (args) => {
      const packed = gzipSync(await readFile(args.path), { level: 9 }).toString("base64");
      const text = `gunzipSync(Buffer.from(${JSON.stringify(packed)}, "base64")).toString("utf8")`;
      const value = args.path.endsWith(".json") ? `JSON.parse(${text})` : text;
      // A module of its own (ESM, so both CommonJS and ESM bundles can hold it).
      return {
        contents: `import { gunzipSync } from "node:zlib";\nexport default ${value};\n`,
        loader: "js",
      };
    });
  },
};
