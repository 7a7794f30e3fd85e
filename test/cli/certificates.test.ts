import { execFileSync, spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { certificateRules } from "../../server/src/service/rules/certificates";
import { bytesOf } from "../support/certificates";

/** postfix-lint reads the certificates the configuration names, unless --no-check-files. */

const CLI = join(__dirname, "../../dist/cli.js");

function run(args: string[], command = "node", prefix: string[] = []) {
  const result = spawnSync(command, [...prefix, CLI, ...args], {
    encoding: "utf8",
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A config directory whose smtpd certificate is valid for `days` more days (negative: expired). */
function configDir(days: number): string {
  const dir = mkdtempSync(join(tmpdir(), "lint-certs-"));
  chmodSync(dir, 0o755);
  const pem = join(dir, "mail.pem");
  writeFileSync(
    pem,
    bytesOf({ about: "", objects: [{ key: "k" }, { cert: "k", days: [-90, days] }] }),
  );
  chmodSync(pem, 0o600);
  writeFileSync(join(dir, "main.cf"), `smtpd_tls_chain_files = ${pem}\n`);
  writeFileSync(join(dir, "master.cf"), "");
  return dir;
}

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: join(__dirname, "../..") });
});

describe("postfix-lint and certificates", () => {
  it("reports an expired certificate by default (--check-files) and exits 1", () => {
    const dir = configDir(-2);
    for (const args of [[dir], ["--check-files", dir]]) {
      const result = run(args);
      expect(result.status).toBe(1);
      expect(result.stdout).toMatch(
        /main\.cf:1:25: error: The certificate for CN=k in ".*mail\.pem" expired 2 days ago .* \[certificate-expired\]\n/,
      );
    }
  });

  it("reads no certificate with --no-check-files", () => {
    const result = run(["--no-check-files", configDir(-2)]);
    for (const rule of certificateRules) expect(result.stdout).not.toContain(`[${rule.meta.id}]`);
    expect(result.status).toBe(0);
  });

  it("takes the expiry warning from --expiry-warning-days and checks its value", () => {
    const dir = configDir(40);
    expect(run([dir]).stdout).not.toContain("certificate-expiring");
    expect(run(["--expiry-warning-days", "45", dir]).stdout).toMatch(
      /warning: The certificate for CN=k .* expires in 40 days .*\[certificate-expiring\]/,
    );
    expect(run(["--expiry-warning-days", "a year", dir]).stderr).toContain(
      "--expiry-warning-days expects a number of days from 0 to 365",
    );
  });

  it("reports a certificate it may not read as an unprivileged user", () => {
    if (!existsSync("/usr/bin/setpriv")) return; // the CI image has it
    const dir = configDir(60);
    const cli = join(dir, "cli.js");
    copyFileSync(CLI, cli);
    chmodSync(cli, 0o644);
    chmodSync(join(dir, "main.cf"), 0o644);
    const result = spawnSync(
      "setpriv",
      ["--reuid=65534", "--regid=65534", "--clear-groups", process.execPath, cli, dir],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(result.stdout).toMatch(
      /error: smtpd_tls_chain_files names ".*mail\.pem", which cannot be read \(EACCES: permission denied\)\. .*\[tls-file-unreadable\]/,
    );
    expect(result.status).toBe(1);
  });
});
