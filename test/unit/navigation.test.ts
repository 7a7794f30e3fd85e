import { describe, expect, it } from "vitest";
import type { Location } from "vscode-languageserver-types";
import {
  type ConfigFile,
  findDefinition,
  findDocumentHighlights,
  findReferences,
} from "../../server/src/service/navigation";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { CURSOR } from "../support/cursor";

const MAIN_URI = "file:///etc/postfix/main.cf";
const MASTER_URI = "file:///etc/postfix/master.cf";

function file(kind: ConfigKind, text: string): ConfigFile {
  return {
    uri: kind === "main" ? MAIN_URI : MASTER_URI,
    config: parseConfig(kind, text),
    mapper: new LineIndex(text),
  };
}

/** The file with the cursor, where it stands, and the other file. */
function pair(marked: { main?: string; master?: string }) {
  const kind: ConfigKind = marked.main?.includes(CURSOR) ? "main" : "master";
  const markedText = marked[kind]!;
  const offset = markedText.indexOf(CURSOR);
  const text = markedText.slice(0, offset) + markedText.slice(offset + CURSOR.length);
  const current = file(kind, text);
  const otherKind: ConfigKind = kind === "main" ? "master" : "main";
  const otherText = marked[otherKind];
  const sibling = otherText === undefined ? undefined : file(otherKind, otherText);
  return {
    current,
    sibling,
    position: current.mapper.positionAt(offset),
    texts: { [kind]: text, [otherKind]: otherText },
  };
}

/** Each location as "main:line:text" with the text it covers. */
function describeLocations(
  locations: Location[],
  texts: Record<string, string | undefined>,
): string[] {
  return locations.map((location) => {
    const kind = location.uri === MAIN_URI ? "main" : "master";
    const index = new LineIndex(texts[kind]!);
    const covered = texts[kind]!.slice(
      index.offsetAt(location.range.start),
      index.offsetAt(location.range.end),
    );
    return `${kind}:${location.range.start.line + 1}:${covered}`;
  });
}

function definition(marked: { main?: string; master?: string }): string[] {
  const { current, sibling, position, texts } = pair(marked);
  return describeLocations(findDefinition(current, position, sibling, { version: "3.12" }), texts);
}

function references(
  marked: { main?: string; master?: string },
  includeDeclaration = true,
): string[] {
  const { current, sibling, position, texts } = pair(marked);
  return describeLocations(
    findReferences(current, position, sibling, { version: "3.12", includeDeclaration }),
    texts,
  );
}

describe("go to definition", () => {
  it("goes from $name, ${name} and $(name) to the assignment in effect (the last)", () => {
    const main = "mydomain = a.example\nmydomain = b.example\nmyorigin = $mydo█main\n";
    expect(definition({ main })).toEqual(["main:2:mydomain"]);
    expect(definition({ main: "x = 1\ny = ${x█}\n" })).toEqual(["main:1:x"]);
    expect(definition({ main: "x = 1\ny = $(█x)\n" })).toEqual(["main:1:x"]);
    expect(definition({ main: "x = 1\ny = ${x█?yes}\n" })).toEqual(["main:1:x"]);
  });

  it("goes nowhere for a built-in parameter left at its default", () => {
    expect(definition({ main: "myorigin = $myhost█name\n" })).toEqual([]);
  });

  it("inside a master.cf service, prefers an -o of that service over main.cf", () => {
    const main = "banner_text = from main\n";
    const master =
      "submission inet n - y - - smtpd\n  -o smtpd_banner=$banner_te█xt\n  -o banner_text=from service\n";
    expect(definition({ main, master })).toEqual(["master:3:banner_text"]);
    const other = "smtp inet n - y - - smtpd\n  -o smtpd_banner=$banner_te█xt\n";
    expect(definition({ main, master: other })).toEqual(["main:1:banner_text"]);
  });

  it("goes from an -o name to the main.cf assignment it overrides", () => {
    const main = "smtpd_tls_security_level = may\n";
    const master = "submission inet n - y - - smtpd\n  -o smtpd_tls_secu█rity_level=encrypt\n";
    expect(definition({ main, master })).toEqual(["main:1:smtpd_tls_security_level"]);
  });

  it("goes from a transport in main.cf to its master.cf service", () => {
    const master =
      "smtp inet n - y - - smtpd\nsmtp unix - - y - - smtp\nrelay unix - - y - - smtp\namavis unix - - - - 2 smtp\n";
    expect(definition({ main: "relay_transport = re█lay:[mx.example]\n", master })).toEqual([
      "master:3:relay",
    ]);
    expect(definition({ main: "default_transport = sm█tp\n", master })).toEqual(["master:2:smtp"]);
    expect(definition({ main: "content_filter = ama█vis:[127.0.0.1]:10024\n", master })).toEqual([
      "master:4:amavis",
    ]);
  });

  it("goes from the service part of a derived parameter name to the service", () => {
    const master = "relay unix - - y - - smtp\n";
    expect(definition({ main: "rel█ay_destination_concurrency_limit = 5\n", master })).toEqual([
      "master:1:relay",
    ]);
    // The rest of the name is the parameter: its own assignment.
    expect(definition({ main: "relay_destination_concurrency_li█mit = 5\n", master })).toEqual([
      "main:1:relay_destination_concurrency_limit",
    ]);
  });

  it("goes from a restriction class in a restriction list to its definition", () => {
    const main = [
      "smtpd_restriction_classes = from_partners",
      "from_partners = check_sender_access hash:/etc/postfix/partners",
      "smtpd_recipient_restrictions = permit_mynetworks, from_part█ners, reject_unauth_destination",
      "",
    ].join("\n");
    expect(definition({ main })).toEqual(["main:2:from_partners"]);
  });

  it("finds the right place in a continued value", () => {
    const main = "x = 1\nmynetworks = 127.0.0.0/8\n  # comment\n    $█x\n";
    expect(definition({ main })).toEqual(["main:1:x"]);
  });
});

describe("references and highlights", () => {
  const main = [
    "smtpd_restriction_classes = partners",
    "partners = check_sender_access hash:/etc/postfix/partners",
    "smtpd_recipient_restrictions = partners, reject_unauth_destination",
    "banner_text = hello",
    "smtpd_banner = $myhostname $banner_text",
    "",
  ].join("\n");
  const master =
    "submission inet n - y - - smtpd\n  -o smtpd_banner=${banner_text}\n  -o banner_text=hi\n";

  it("lists every use of a parameter across both files: assignments, $ references and -o names", () => {
    const marked = main.replace("banner_text = hello", "banner_te█xt = hello");
    expect(references({ main: marked, master })).toEqual([
      "main:4:banner_text",
      "main:5:banner_text",
      "master:2:banner_text",
      "master:3:banner_text",
    ]);
    expect(references({ main: marked, master }, false)).toEqual([
      "main:5:banner_text",
      "master:2:banner_text",
    ]);
  });

  it("counts a restriction class in smtpd_restriction_classes and in a restriction list as uses", () => {
    const marked = main.replace("partners = check", "partn█ers = check");
    expect(references({ main: marked })).toEqual([
      "main:1:partners",
      "main:2:partners",
      "main:3:partners",
    ]);
  });

  it("highlights uses in the current file, assignments as writes", () => {
    const { current, sibling, position } = pair({
      main: main.replace("$banner_text", "$banner█_text"),
      master,
    });
    const highlights = findDocumentHighlights(current, position, sibling, { version: "3.12" });
    expect(highlights.map((h) => [h.range.start.line, h.kind])).toEqual([
      [3, 3],
      [4, 2],
    ]);
  });

  it("finds the uses of a service: its entry, transports and derived names", () => {
    const marked = "relay█ unix - - y - - smtp\n";
    const mainText = "relay_transport = relay:[mx]\nrelay_destination_rate_delay = 1s\n";
    expect(references({ main: mainText, master: marked })).toEqual([
      "main:1:relay",
      "main:2:relay",
      "master:1:relay",
    ]);
  });

  it("answers nothing where no name stands", () => {
    expect(references({ main: "# a comment█\nx = 1\n" })).toEqual([]);
    expect(definition({ main: "x = 1 █\n" })).toEqual([]);
  });
});
