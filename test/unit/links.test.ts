import { describe, expect, it } from "vitest";
import { findDocumentLinks } from "../../server/src/service/links";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";

/** Each link as "covered text -> path". */
function links(kind: ConfigKind, text: string, main?: string): string[] {
  const index = new LineIndex(text);
  return findDocumentLinks(parseConfig(kind, text), index, {
    version: "3.7",
    main: main === undefined ? undefined : parseConfig("main", main),
  }).map(
    (link) =>
      `${text.slice(index.offsetAt(link.range.start), index.offsetAt(link.range.end))} -> ${link.path}`,
  );
}

describe("document links", () => {
  it("stops at the limit with the first links in document order", () => {
    const text = Array.from({ length: 50 }, (_, i) => `p${i} = hash:/etc/postfix/t${i}\n`).join("");
    const index = new LineIndex(text);
    const config = parseConfig("main", text);
    const all = findDocumentLinks(config, index, { version: "3.7" });
    expect(all).toHaveLength(50);
    const first = findDocumentLinks(config, index, { version: "3.7", limit: 7 });
    expect(first).toEqual(all.slice(0, 7));
  });

  it("links certificate, key and CA files", () => {
    expect(
      links(
        "main",
        "smtpd_tls_cert_file = /etc/ssl/mail.pem\nsmtpd_tls_chain_files = /etc/ssl/key.pem, /etc/ssl/chain.pem\nsmtp_tls_CAfile = /etc/ssl/certs/ca.pem\n",
      ),
    ).toEqual([
      "/etc/ssl/mail.pem -> /etc/ssl/mail.pem",
      "/etc/ssl/key.pem -> /etc/ssl/key.pem",
      "/etc/ssl/chain.pem -> /etc/ssl/chain.pem",
      "/etc/ssl/certs/ca.pem -> /etc/ssl/certs/ca.pem",
    ]);
  });

  it("links the source file of a lookup table, through proxy: and nested tables", () => {
    expect(
      links(
        "main",
        [
          "virtual_alias_maps = hash:/etc/postfix/virtual, proxy:mysql:/etc/postfix/mysql-aliases.cf",
          "smtpd_recipient_restrictions = check_recipient_access pcre:/etc/postfix/rcpt.pcre, reject_unauth_destination",
          "transport_maps = unionmap:{cdb:/etc/postfix/transport, inline:{a=b}}",
          "",
        ].join("\n"),
      ),
    ).toEqual([
      "/etc/postfix/virtual -> /etc/postfix/virtual",
      "/etc/postfix/mysql-aliases.cf -> /etc/postfix/mysql-aliases.cf",
      "/etc/postfix/rcpt.pcre -> /etc/postfix/rcpt.pcre",
      "/etc/postfix/transport -> /etc/postfix/transport",
    ]);
  });

  it("expands $config_directory and other references as Postfix does", () => {
    expect(links("main", "alias_maps = hash:$config_directory/aliases\n")).toEqual([
      "$config_directory/aliases -> /etc/postfix/aliases",
    ]);
    expect(
      links(
        "main",
        "config_directory = /srv/pf\ncerts = $config_directory/tls\nsmtpd_tls_cert_file = ${certs}/cert.pem\n",
      ),
    ).toEqual(["${certs}/cert.pem -> /srv/pf/tls/cert.pem"]);
  });

  it("expands master.cf -o values with main.cf's settings", () => {
    expect(
      links(
        "master",
        "submission inet n - y - - smtpd\n  -o smtpd_tls_cert_file=$tls_dir/sub.pem\n",
        "tls_dir = /etc/tls\n",
      ),
    ).toEqual(["$tls_dir/sub.pem -> /etc/tls/sub.pem"]);
  });

  it("links nothing for a relative path, a network table or a word that is no table", () => {
    expect(
      links(
        "main",
        "alias_maps = hash:aliases\nrelay_domains = example.com, ldap:ldap-relay.cf\nsmtpd_tls_cert_file = cert.pem\ntransport_maps = socketmap:inet:127.0.0.1:9999:transport\nmyhostname = mx:/x\n",
      ),
    ).toEqual([]);
  });
});
