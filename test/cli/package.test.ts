// The npm package a contributor or a CI job installs: `npm pack` holds the CLI,
// the standalone server and the rule pages, and `npx postfix-lint` works from the
// packed tarball installed in an empty directory.

import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const ROOT = join(__dirname, "../..");
const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
let tarball = "";
let installed = "";

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: ROOT });
  const packDir = mkdtempSync(join(tmpdir(), "postfix-lsp-pack-"));
  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", "--json", "--pack-destination", packDir], {
      cwd: ROOT,
      encoding: "utf8",
    }),
  );
  tarball = join(packDir, packed.filename);
  installed = mkdtempSync(join(tmpdir(), "postfix-lsp-install-"));
  writeFileSync(join(installed, "package.json"), '{ "name": "empty", "private": true }\n');
  // The package has no dependencies: the install needs no registry.
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", tarball], {
    cwd: installed,
  });
}, 120_000);

describe("npm package", () => {
  it("contains the CLI, the standalone server, the client, grammars and rule pages, and no sources or tests", () => {
    const listing = execFileSync("tar", ["tzf", tarball], { encoding: "utf8" }).split("\n");
    for (const file of [
      "package/dist/cli.js",
      "package/dist/server.js",
      "package/dist/client.js",
      "package/docs/rules/comment-after-value.md",
      "package/images/icon.png",
    ])
      expect(listing).toContain(file);
    expect(listing.filter((file) => /\/(test|server\/src|node_modules)\//.test(file))).toEqual([]);
  });

  it("runs `npx postfix-lint` from the installed tarball", () => {
    const version = execFileSync("npx", ["--no-install", "postfix-lint", "--version"], {
      cwd: installed,
      encoding: "utf8",
    });
    expect(version).toBe(`postfix-lint ${manifest.version}\n`);
    const config = join(installed, "main.cf");
    writeFileSync(config, "smtpd_tls_security_level = may # note\n");
    const lint = (() => {
      try {
        execFileSync("npx", ["--no-install", "postfix-lint", config], {
          cwd: installed,
          encoding: "utf8",
        });
        return { status: 0, stdout: "" };
      } catch (error) {
        const failed = error as { status: number; stdout: string };
        return { status: failed.status, stdout: failed.stdout };
      }
    })();
    expect(lint.status).toBe(1);
    expect(lint.stdout).toMatch(/\[comment-after-value\]/);
  });

  it("packs the same files into the .vsix (vsce reads the files list too)", () => {
    const listed = execFileSync("npx", ["vsce", "ls", "--no-dependencies"], {
      cwd: ROOT,
      encoding: "utf8",
    }).split("\n");
    for (const file of ["dist/server.js", "dist/client.js", "docs/rules/comment-after-value.md"])
      expect(listed).toContain(file);
    expect(listed).toContain("images/icon.png");
    expect(listed.filter((file) => /^(test|server\/src|client\/src)\//.test(file))).toEqual([]);
  });

  it("declares what the Marketplace shows: icon, banner, categories and keywords", () => {
    expect(manifest.icon).toBe("images/icon.png");
    expect(manifest.galleryBanner).toMatchObject({ color: expect.stringMatching(/^#/) });
    expect(manifest.categories).toEqual(
      expect.arrayContaining(["Programming Languages", "Linters"]),
    );
    expect(manifest.keywords.length).toBeGreaterThan(3);
  });
});
