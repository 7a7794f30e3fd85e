import { describe, expect, it } from "vitest";
import { DiagnosticSeverity, type Diagnostic } from "vscode-languageserver-types";
import { findingsWeMiss, postconfFindings } from "../../server/src/service/postconfMessages";
import { LineIndex } from "../../server/src/service/text/lineIndex";

/** postconf's messages placed on the texts that were checked (written to DIR). */

const DIR = "/tmp/postfix-lsp-check-abc123";

function files(main: string, master = "") {
  return {
    main: { text: main, mapper: new LineIndex(main) },
    master: { text: master, mapper: new LineIndex(master) },
  };
}

/** Each finding as [file, start line, start character, end character, message]. */
function placed(
  stderr: string,
  main: string,
  master = "",
  defaultKind: "main" | "master" = "main",
) {
  const findings = postconfFindings(stderr, DIR, files(main, master), defaultKind);
  return (["main", "master"] as const).flatMap((kind) =>
    findings[kind].map((d) => [
      kind,
      d.range.start.line,
      d.range.start.character,
      d.range.end.character,
      d.message,
    ]),
  );
}

describe("postconfFindings", () => {
  it("places a message by the line postconf gives, the whole line without its CR", () => {
    const main = "myhostname = a\r\nmyhostname = b\r\n";
    expect(
      placed(
        `/usr/sbin/postconf: warning: ${DIR}/main.cf, line 2: overriding earlier entry: myhostname=a\n`,
        main,
      ),
    ).toEqual([
      [
        "main",
        1,
        0,
        14,
        "postconf warning: main.cf, line 2: overriding earlier entry: myhostname=a",
      ],
    ]);
    expect(
      placed(
        `postconf: fatal: file ${DIR}/master.cf: line 2: bad field count\n`,
        "",
        "a\nsmtp inet n\n",
      ),
    ).toEqual([["master", 1, 0, 11, "postconf fatal: file master.cf: line 2: bad field count"]]);
  });

  it("places an unused parameter on its setting, in main.cf and in a master.cf -o", () => {
    const main = "# é comment\nfoo_bar = 1\n";
    const master = "smtp inet n - y - - smtpd\n  -o syslog_name=x -o bogus=1\n";
    const stderr = [
      `postconf: warning: ${DIR}/main.cf: unused parameter: foo_bar=1`,
      `postconf: warning: ${DIR}/master.cf: unused parameter: bogus=1`,
    ].join("\n");
    expect(placed(stderr, main, master)).toEqual([
      ["main", 1, 0, 7, "postconf warning: main.cf: unused parameter: foo_bar=1"],
      ["master", 1, 22, 27, "postconf warning: master.cf: unused parameter: bogus=1"],
    ]);
  });

  it("places an undefined parameter on its reference, counting columns in UTF-16", () => {
    const main = "smtpd_banner = 😀 ${nope} $nope_not\n";
    expect(placed(`postconf: warning: ${DIR}/main.cf: undefined parameter: nope\n`, main)).toEqual([
      ["main", 0, 18, 24, "postconf warning: main.cf: undefined parameter: nope"],
    ]);
  });

  it("places a quoted text where it occurs, in the file it is found in", () => {
    const master = "smtp inet n - y - - smtpd\nweird fifo x - y 60 1 pickup\n";
    const stderr = 'postconf: fatal: invalid private field "x" in "weird fifo x - y 60 1 pickup"\n';
    expect(placed(stderr, "myhostname = a\n", master, "main")).toEqual([
      [
        "master",
        1,
        0,
        28,
        'postconf fatal: invalid private field "x" in "weird fifo x - y 60 1 pickup"',
      ],
    ]);
    // A quote need not end the message.
    const tables = "a = 1\nvirtual_alias_maps = pgsql:/x/pg.cf\n";
    const missing = 'postconf: warning: open "pgsql" configuration "/x/pg.cf": No such file\n';
    expect(placed(missing, tables)).toEqual([
      ["main", 1, 27, 35, 'postconf warning: open "pgsql" configuration "/x/pg.cf": No such file'],
    ]);
    // A cut quote with a marker: the longest piece is searched.
    const main = "a = 1\nrelayhost = ${x\n";
    expect(placed('postconf: warning: truncated macro reference: "...${x"\n', main)).toEqual([
      ["main", 1, 12, 15, 'postconf warning: truncated macro reference: "...${x"'],
    ]);
  });

  it("puts a message it cannot place on the first line; counts a repeated message once", () => {
    const stderr =
      "postconf: fatal: macro processing error\npostconf: fatal: macro processing error\n";
    expect(placed(stderr, "a = 1\nb = 2\n")).toEqual([
      ["main", 0, 0, 5, "postconf fatal: macro processing error"],
    ]);
    expect(placed("some other line\n\n", "a = 1\n")).toEqual([]);
  });

  it("leaves out the config_directory override that postconf -c itself causes", () => {
    const stderr = `postconf: warning: ${DIR}/main.cf, line 1: overriding earlier entry: config_directory=${DIR}\n`;
    expect(placed(stderr, "config_directory = /etc/postfix\n")).toEqual([]);
  });

  it("marks findings as postconf's, fatal ones as errors, and escapes what they quote", () => {
    const [warning] = postconfFindings(
      "postconf: warning: odd \u001b[31m text\n",
      DIR,
      files("a = 1\n"),
    ).main;
    expect(warning).toMatchObject({
      source: "postconf",
      code: "warning",
      severity: DiagnosticSeverity.Warning,
      message: "postconf warning: odd \\x1b[31m text",
    });
    const [fatal] = postconfFindings("postconf: fatal: x\n", DIR, files("a\n")).main;
    expect(fatal.severity).toBe(DiagnosticSeverity.Error);
  });
});

describe("findingsWeMiss", () => {
  const at = (line: number, endLine = line): Diagnostic => ({
    range: { start: { line, character: 0 }, end: { line: endLine, character: 1 } },
    message: `line ${line}`,
  });

  it("keeps postconf's findings on lines where we report nothing", () => {
    const postconf = [at(0), at(3), at(7)];
    expect(findingsWeMiss(postconf, [at(0), at(2, 4)])).toEqual([at(7)]);
    expect(findingsWeMiss(postconf, [])).toEqual(postconf);
    expect(findingsWeMiss([], [at(1)])).toEqual([]);
  });
});
