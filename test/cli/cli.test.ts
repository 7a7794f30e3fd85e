import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

const CLI = join(__dirname, "../../dist/cli.js");

function run(args: string[], input?: string) {
  const result = spawnSync("node", [CLI, ...args], { input, encoding: "utf8" });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function configDir(main: string, master = ""): string {
  const dir = mkdtempSync(join(tmpdir(), "postfix-lint-"));
  writeFileSync(join(dir, "main.cf"), main);
  writeFileSync(join(dir, "master.cf"), master);
  return dir;
}

beforeAll(() => {
  execFileSync("node", ["scripts/build.mjs"], { cwd: join(__dirname, "../..") });
});

describe("postfix-lint", () => {
  it("prints path:line:column: severity: message [rule] and exits 1 on errors", () => {
    const dir = configDir("smtpd_tls_security_level = may # note\n");
    const result = run([dir]);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(
      new RegExp(`^${dir}/main.cf:1:32: error: .* \\[comment-after-value\\]\\n$`),
    );
  });

  it("exits 0 when nothing reaches error severity", () => {
    expect(run([configDir("myhostname = mail.example.com\n")]).status).toBe(0);
    const dir = configDir("relayhost = a\nrelayhost = b\n");
    const result = run([dir]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("warning:");
  });

  it("refuses endless stdin past the size cap instead of reading it all", () => {
    // `yes` never stops: the CLI must stop reading at the cap, say why and exit 2.
    const result = spawnSync("sh", ["-c", `yes 'relayhost = a' | node ${CLI} --kind main -`], {
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("stdin: more than 10000000 bytes; not read");
  });

  it("writes JSON with 1-based lines and columns", () => {
    const result = run(
      ["--format", "json", "--postfix-version", "3.7.11", "--kind", "main", "-"],
      "relayhost = a\nrelayhost = b\n",
    );
    expect(JSON.parse(result.stdout)).toEqual({
      postfix: { line: "3.7", release: "3.7.11", origin: "setting" },
      files: [
        {
          path: "<stdin>",
          diagnostics: [
            // stdin has no master.cf beside it: said once, at the top.
            expect.objectContaining({
              line: 1,
              column: 1,
              severity: "info",
              code: "master-cf-missing",
            }),
            expect.objectContaining({
              line: 2,
              column: 1,
              endLine: 2,
              endColumn: 10,
              severity: "warning",
              code: "duplicate-parameter",
            }),
          ],
        },
      ],
    });
  });

  it("applies --rule severity overrides", () => {
    const dir = configDir("smtpd_tls_security_level = may # note\n");
    expect(run(["--rule", "comment-after-value=warning", dir]).status).toBe(0);
    expect(run(["--rule", "comment-after-value=off", dir]).stdout).toBe("");
  });

  it("validates --postfix-version and --rule as the editor's settings are", () => {
    const dir = configDir("smtpd_tls_security_level = may # note\n");
    // A release newer than the data is clamped, with a warning; the check still runs.
    const newer = run(["--postfix-version", "3.99", dir]);
    expect(newer.status).toBe(1);
    expect(newer.stderr).toContain(
      'postfix-lint: warning: --postfix-version "3.99" is not a release line postfix-lsp has data for',
    );
    expect(run(["--postfix-version", "3.7.11", dir]).stderr).toBe("");
    for (const version of ["latest", "3.7".repeat(100)]) {
      const rejected = run(["--postfix-version", version, dir]);
      expect(rejected.status).toBe(2);
      expect(rejected.stderr).toMatch(
        /^postfix-lint: --postfix-version ".*" is not a Postfix release number\. /,
      );
    }
    for (const rule of [
      "comment-after-value=__proto__",
      "comment-after-value=7",
      "__proto__=off",
    ]) {
      const rejected = run(["--rule", rule, dir]);
      expect(rejected.status, rule).toBe(2);
      expect(rejected.stdout).toBe("");
    }
  });

  it("exits 2 with a clear message on usage and I/O errors", () => {
    expect(run([]).status).toBe(2);
    const missing = run(["/nonexistent/main.cf"]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain("no such file or directory");
    expect(run(["--rule", "no-such-rule=off", "x"]).stderr).toContain(
      'unknown rule "no-such-rule"',
    );
    expect(run(["-"]).stderr).toContain("--kind");
  });

  it("prints main.cf settings like postconf -n", () => {
    const dir = configDir("relayhost = [a]\nmyhostname   =   h\n  continued\nbogus = 1\n");
    const result = run(["--print", "main", dir]);
    expect(result.stdout).toBe("myhostname = h continued\nrelayhost = [a]\n");
    expect(result.status).toBe(0);
  });

  it("reports postconf's fatal errors when printing", () => {
    const result = run(["--print", "main", configDir("relayhost [a]\n")]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`missing '=' after attribute name: "relayhost [a]"`);
  });
});

describe.runIf(existsSync("/usr/sbin/postconf"))("postfix-lint --postfix-version auto", () => {
  const dir = () => configDir("myhostname = a\nfoo_bar = 1\n", "");

  it("is the default: checks against the host's postconf 3.7 and says so first", () => {
    for (const args of [[], ["--postfix-version", "auto"]]) {
      const result = run([...args, dir()]);
      expect(result.stderr).toMatch(
        /^postfix-lint: checking against Postfix 3\.7 \(3\.7\.\d+, postconf on this host\)\n$/,
      );
      expect(result.stdout).toContain('"foo_bar" is not a Postfix 3.7 parameter');
    }
  });

  it("falls back to the dpkg database when postconf is not there", () => {
    const result = run(["--postconf", "/nonexistent/postconf", dir()]);
    expect(result.stderr).toMatch(
      /^postfix-lint: checking against Postfix 3\.7 \(3\.7\.\d+, the dpkg package database of this host\)\n$/,
    );
  });

  it("names the release in JSON, and keeps stderr empty there", () => {
    const result = run(["--format", "json", dir()]);
    expect(JSON.parse(result.stdout).postfix).toMatchObject({ line: "3.7", origin: "postconf" });
    expect(result.stderr).toBe("");
  });
});

describe("postfix-lint --print master", () => {
  it("prints entries like postconf -M with runs of spaces squeezed to one", () => {
    const dir = configDir(
      "",
      "submission inet n - y - - smtpd\n  -o syslog_name=postfix/submission\n  -o { smtpd_client_restrictions = permit_sasl_authenticated, reject }\n",
    );
    expect(run(["--print", "master", dir]).stdout).toBe(
      "submission inet n - y - - smtpd -o syslog_name=postfix/submission -o {smtpd_client_restrictions=permit_sasl_authenticated, reject}\n",
    );
  });

  it("prints per-service settings like postconf -P", () => {
    const dir = configDir(
      "",
      "smtps inet n - y - - smtpd -o smtpd_tls_wrappermode=yes -o syslog_name=postfix/smtps\n",
    );
    expect(run(["--print", "services", dir]).stdout).toBe(
      "smtps/inet/smtpd_tls_wrappermode = yes\nsmtps/inet/syslog_name = postfix/smtps\n",
    );
  });
});

describe("postfix-lint in a pipeline", () => {
  it("stops quietly when the reader closes the pipe early", () => {
    const dir = configDir(Array.from({ length: 20_000 }, (_, i) => `relayhost = a${i}\n`).join(""));
    const result = spawnSync("sh", ["-c", `node ${CLI} ${dir} | head -1`], { encoding: "utf8" });
    expect(result.stdout.split("\n")[0]).toContain("duplicate-parameter");
    expect(result.stderr).not.toContain("EPIPE");
  });
});

describe("postfix-lint --format-files", () => {
  it("--check writes nothing and exits 1 when a file would change, 0 when none would", () => {
    const dir = configDir("myhostname=mx.example\n", "smtp inet n - y - - smtpd\n");
    const check = run(["--format-files", "--check", dir]);
    expect(check.status).toBe(1);
    expect(check.stdout).toBe(`${join(dir, "main.cf")}\n${join(dir, "master.cf")}\n`);
    expect(readFileSync(join(dir, "main.cf"), "utf8")).toBe("myhostname=mx.example\n");

    const formatted = run(["--format-files", dir]);
    expect(formatted.status).toBe(0);
    expect(formatted.stdout).toBe(check.stdout);
    expect(readFileSync(join(dir, "main.cf"), "utf8")).toBe("myhostname = mx.example\n");
    expect(readFileSync(join(dir, "master.cf"), "utf8")).toBe(
      "smtp      inet  n       -       y       -       -       smtpd\n",
    );
    expect(run(["--format-files", "--check", dir])).toMatchObject({ status: 0, stdout: "" });
  });

  it("replaces a file atomically with its mode kept, through a symbolic link, byte for byte outside whitespace", () => {
    const dir = configDir("");
    const file = join(dir, "main.cf");
    // Latin-1 bytes (not UTF-8) and CRLF must come back unchanged.
    writeFileSync(
      file,
      Buffer.from("smtpd_banner=caf\xe9  \r\nmynetworks=a,\r\n\tb\r\n", "latin1"),
    );
    chmodSync(file, 0o640);
    const link = join(mkdtempSync(join(tmpdir(), "postfix-lint-link-")), "main.cf");
    symlinkSync(file, link);
    expect(run(["--format-files", "--indent", "2", link]).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    expect(readFileSync(file).toString("latin1")).toBe(
      "smtpd_banner = caf\xe9\r\nmynetworks = a,\r\n  b\r\n",
    );
    expect(readdirSync(dir).sort()).toEqual(["main.cf", "master.cf"]);
  });

  it("exits 2 on usage errors and on files it cannot read or recognise, after formatting the others", () => {
    expect(run(["--format-files"]).status).toBe(2);
    expect(run(["--format-files", "--indent", "0", "x"]).status).toBe(2);
    const dir = configDir("a=b\n");
    const result = run(["--format-files", join(dir, "missing", "main.cf"), join(dir, "main.cf")]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("missing");
    expect(readFileSync(join(dir, "main.cf"), "utf8")).toBe("a = b\n");
    const other = join(dir, "notes.txt");
    writeFileSync(other, "a=b\n");
    expect(run(["--format-files", other]).stderr).toContain("not a main.cf or master.cf file");
  });
});
