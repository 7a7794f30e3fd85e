import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

/** The end-to-end tests in real editors: `npm run test:e2e` (after scripts/e2e/setup.sh). */
export default defineConfig({
  root: fileURLToPath(new URL("../..", import.meta.url)),
  test: {
    include: ["test/e2e/**/*.e2e.ts"],
    // One editor at a time: the machine has two cores.
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 240_000,
    reporters: ["verbose"],
  },
});
