import { describe, expect, it } from "vitest";
import { prepareRename } from "../../server/src/service/rename";
import { type MarkedPair, markedPair, renamed } from "../support/renameCase";

function prepare(marked: MarkedPair) {
  const { current, sibling, position } = markedPair(marked);
  return prepareRename(current, position, sibling, { version: "3.7" });
}

const SMTP = "smtp inet n - y - - smtpd\n";

describe("rename", () => {
  it("renames a user-defined parameter in both files: assignment, $ references and -o names", () => {
    const main = "banner_text█ = hello\nsmtpd_banner = $myhostname ${banner_text}\n";
    const master = `${SMTP}  -o smtpd_banner=$(banner_text)\n  -o banner_text=hi\n`;
    expect(renamed({ main, master }, "greeting")).toEqual({
      main: "greeting = hello\nsmtpd_banner = $myhostname ${greeting}\n",
      master: `${SMTP}  -o smtpd_banner=$(greeting)\n  -o greeting=hi\n`,
    });
  });

  it("renames a restriction class where it is declared, defined and used", () => {
    const main = [
      "smtpd_restriction_classes = partners, staff",
      "partners = check_sender_access hash:/etc/postfix/partners",
      "smtpd_recipient_restrictions = partn█ers, reject_unauth_destination",
      "",
    ].join("\n");
    expect(renamed({ main, master: SMTP }, "trusted_senders")).toEqual({
      main: main
        .replace("classes = partners", "classes = trusted_senders")
        .replace("partners = check", "trusted_senders = check")
        .replace("partn█ers,", "trusted_senders,"),
      master: SMTP,
    });
  });

  it("renames a service with its transports and the parameters derived from its name", () => {
    const main =
      "content_filter = amavis:[127.0.0.1]:10024\namavis_destination_concurrency_limit = 2\n";
    const master = `${SMTP}amav█is unix - - n - 2 smtp\n  -o smtp_data_done_timeout=1200\n`;
    expect(renamed({ main, master }, "scanner")).toEqual({
      main: "content_filter = scanner:[127.0.0.1]:10024\nscanner_destination_concurrency_limit = 2\n",
      master: `${SMTP}scanner unix - - n - 2 smtp\n  -o smtp_data_done_timeout=1200\n`,
    });
  });

  it("offers the name under the cursor as the placeholder", () => {
    expect(prepare({ main: "x = $my_na█me\nmy_name = 1\n", master: SMTP })).toEqual({
      range: { start: { line: 0, character: 5 }, end: { line: 0, character: 12 } },
      placeholder: "my_name",
    });
  });

  it("refuses Postfix's own parameters, saying why", () => {
    expect(prepare({ main: "myhost█name = a\n", master: SMTP })).toEqual({
      error: expect.stringContaining("it is a Postfix parameter"),
    });
  });

  it("refuses a parameter whose name comes from a service, and says to rename the service", () => {
    const result = prepare({
      main: "relay_destination_concurrency_li█mit = 2\n",
      master: "relay unix - - n - - smtp\n",
    });
    expect(result).toEqual({ error: expect.stringContaining("master.cf service relay") });
  });

  it("refuses an inet service, whose name is its address", () => {
    expect(prepare({ main: "", master: "sm█tp inet n - y - - smtpd\n" })).toEqual({
      error: expect.stringContaining("the address it listens on"),
    });
  });

  it("refuses a new name that is taken, a Postfix parameter, or not a name", () => {
    const pair = { main: "my_█text = 1\nother = 2\n", master: SMTP };
    expect(renamed(pair, "other")).toEqual({ error: expect.stringContaining("already used") });
    expect(renamed(pair, "myhostname")).toEqual({
      error: expect.stringContaining("Postfix parameter"),
    });
    expect(renamed(pair, "a b")).toEqual({
      error: expect.stringContaining("not a usable parameter name"),
    });
    const services = {
      main: "",
      master: `${SMTP}amav█is unix - - n - 2 smtp\nrelay unix - - n - - smtp\n`,
    };
    expect(renamed(services, "relay")).toEqual({
      error: expect.stringContaining("already has a service"),
    });
    expect(renamed(services, "local")).toEqual({ error: expect.stringContaining("local_") });
    expect(renamed(services, "x:y")).toEqual({
      error: expect.stringContaining("not a usable service name"),
    });
  });

  it("refuses where no name stands", () => {
    expect(prepare({ main: "# comm█ent\n", master: SMTP })).toEqual({ error: expect.any(String) });
  });
});
