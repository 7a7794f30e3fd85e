import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    {
      // Import Markdown docs as strings, as esbuild's text loader does in the bundle.
      name: "markdown-as-text",
      transform(code, id) {
        return id.endsWith(".md")
          ? { code: `export default ${JSON.stringify(code)};`, map: null }
          : undefined;
      },
    },
  ],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
