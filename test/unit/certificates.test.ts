import { execSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  certificateFingerprint,
  fingerprintDigestAt,
  fingerprintSlotAt,
  tlsaRecords,
} from "../../server/src/service/certificateInfo";
import { type ExampleHostFile, hostFilesOf } from "../../server/src/service/hostFiles";
import { doHover } from "../../server/src/service/hover";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { createRuleContext } from "../../server/src/service/rules/context";
import { exampleHostFiles, pemOf } from "../support/certificates";
import { hostFileRequests } from "../../server/src/service/validation";
import { diagnoseFile } from "../support/diagnose";
import { atCursor } from "../support/cursor";
import { findingsOf } from "../support/ruleTester";

/**
 * The certificates family beyond its documented examples: roles and scopes,
 * $name expansion, settings, and the fingerprints and TLSA data, which are
 * checked against openssl's own computation.
 */

const dir = mkdtempSync(join(tmpdir(), "certificates-"));
const openssl = (command: string) => execSync(command, { cwd: dir, encoding: "utf8" }).trim();

const CHAIN: Record<string, ExampleHostFile> = {
  "/etc/ssl/mail.pem": {
    about: "key, leaf, intermediate",
    objects: [
      { key: "mail" },
      { cert: "mail", issuer: "Example CA", names: ["mail.example.com"] },
      { cert: "Example CA", ca: true },
    ],
  },
};

const messagesOf = (id: string, input: Parameters<typeof findingsOf>[1]) =>
  findingsOf(id, input).map(({ file, diagnostic }) => `${file}: ${diagnostic.message}`);

describe("fingerprints and TLSA data", () => {
  const path = join(dir, "leaf.pem");
  writeFileSync(path, pemOf({ cert: "rsa-fp", names: ["mx.example.net"] }));

  it("match openssl for the certificate (sha256, sha1, md5)", () => {
    const pem = readFileSync(path);
    for (const digest of ["sha256", "sha1", "md5"]) {
      const expected = openssl(`openssl x509 -in ${path} -noout -fingerprint -${digest}`).split(
        "=",
      )[1];
      expect(certificateFingerprint(pem, digest)).toEqual({ fingerprint: expected });
    }
  });

  it("give the 3 1 1 record that openssl computes from the public key", () => {
    const expected = openssl(
      `openssl x509 -in ${path} -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum`,
    ).split(" ")[0];
    const host = exampleHostFiles({
      "/etc/ssl/leaf.pem": {
        about: "",
        objects: [{ key: "rsa-fp" }, { cert: "rsa-fp", names: ["mx.example.net"] }],
      },
    });
    const main = parseConfig(
      "main",
      "myhostname = mx.example.net\nsmtpd_tls_chain_files = /etc/ssl/leaf.pem\n",
    );
    expect(tlsaRecords(main, undefined, host).map((record) => record.record)).toEqual([
      `_25._tcp.mx.example.net. IN TLSA 3 1 1 ${expected}`,
    ]);
  });

  it("give 2 1 1 for the issuing CA that the chain holds, checked with openssl", () => {
    const host = exampleHostFiles(CHAIN);
    writeFileSync(join(dir, "chain.pem"), host.get("/etc/ssl/mail.pem")!.contents!);
    // The third PEM object (the CA) alone, for openssl.
    const caPem = Buffer.from(host.get("/etc/ssl/mail.pem")!.contents!)
      .toString()
      .split(/(?=-----BEGIN)/)[2];
    writeFileSync(join(dir, "ca.pem"), caPem);
    const caSpki = openssl(
      "openssl x509 -in ca.pem -noout -pubkey | openssl pkey -pubin -outform DER | sha256sum",
    ).split(" ")[0];
    const main = parseConfig(
      "main",
      "myhostname = mail.example.com\nsmtpd_tls_chain_files = /etc/ssl/mail.pem\n",
    );
    const records = tlsaRecords(main, undefined, host);
    expect(records).toHaveLength(2);
    expect(records[0].record).toMatch(
      /^_25\._tcp\.mail\.example\.com\. IN TLSA 3 1 1 [0-9a-f]{64}$/,
    );
    expect(records[1].record).toBe(`_25._tcp.mail.example.com. IN TLSA 2 1 1 ${caSpki}`);
  });

  it("name no host when myhostname is not set", () => {
    const main = parseConfig("main", "smtpd_tls_chain_files = /etc/ssl/mail.pem\n");
    expect(tlsaRecords(main, undefined, exampleHostFiles(CHAIN))[0].record).toMatch(
      /^_25\._tcp\.<myhostname>\. IN TLSA 3 1 1 /,
    );
  });

  it("refuse a file without a PEM certificate", () => {
    expect(certificateFingerprint(Buffer.from("hello"), "sha256")).toEqual({
      error: "The file holds no PEM certificate.",
    });
  });
});

describe("the place for an inserted fingerprint", () => {
  /** The text after insertion of a fingerprint at the slot, with the digest in effect there. */
  function inserted(kind: ConfigKind, marked: string, main?: string) {
    const { config, offset } = atCursor(kind, marked);
    const slot = fingerprintSlotAt(config, offset);
    if (!slot) return undefined;
    const context = createRuleContext(
      kind === "main" ? config : main === undefined ? undefined : parseConfig("main", main),
      kind === "master" ? config : undefined,
      "3.7",
    );
    const digest = fingerprintDigestAt(context, config, offset, slot.digestParameter);
    return `${config.text.slice(0, slot.offset)}${slot.separator}<${digest}>${config.text.slice(slot.offset)}`;
  }

  it("is the value of smtp_tls_fingerprint_cert_match, after the fingerprint under the cursor", () => {
    expect(inserted("main", "smtp_tls_fingerprint_cert_match = █\n")).toBe(
      "smtp_tls_fingerprint_cert_match = <md5>\n",
    );
    expect(
      inserted(
        "main",
        "lmtp_tls_fingerprint_digest = sha256\nlmtp_tls_fingerprint_cert_match = A█B:CD\n",
      ),
    ).toBe(
      "lmtp_tls_fingerprint_digest = sha256\nlmtp_tls_fingerprint_cert_match = AB:CD <sha256>\n",
    );
  });

  it("is match= of a fingerprint policy in an inline table, with '|' between fingerprints", () => {
    const policy = (match: string) =>
      `compatibility_level = 3.6\nsmtp_tls_policy_maps = inline:{ {[mx.example.com]:25 = fingerprint ${match}} }\n`;
    expect(inserted("main", policy("match=█"))).toBe(policy("match=<sha256>"));
    expect(inserted("main", policy("match=AB:█CD"))).toBe(policy("match=AB:CD|<sha256>"));
    expect(inserted("main", policy("match=AB:CD█ match=EF"))).toBe(
      policy("match=AB:CD|<sha256> match=EF"),
    );
  });

  it("is match= of a static:{ } fingerprint policy", () => {
    expect(inserted("main", "lmtp_tls_policy_maps = static:{fingerprint match=█}\n")).toBe(
      "lmtp_tls_policy_maps = static:{fingerprint match=<md5>}\n",
    );
  });

  it("is not match= at other levels (host name patterns there) nor an attribute outside the policy's braces", () => {
    expect(
      inserted("main", "smtp_tls_policy_maps = inline:{ {[mx]:25 = verify match=█} }\n"),
    ).toBeUndefined();
    expect(
      inserted("main", "smtp_tls_policy_maps = inline:{ [mx]:25=fingerprint match=█ }\n"),
    ).toBeUndefined();
    expect(inserted("main", "smtp_tls_CAfile = █\n")).toBeUndefined();
  });

  it("takes the digest of the master.cf service it is in", () => {
    expect(
      inserted(
        "master",
        "relay unix - - n - - smtp -o smtp_tls_fingerprint_digest=sha1\n" +
          "  -o { smtp_tls_policy_maps = inline:{ {[mx]:25 = fingerprint match=█} } }\n",
        "smtp_tls_fingerprint_digest = sha512\n",
      ),
    ).toContain("match=<sha1>}");
    expect(
      inserted(
        "master",
        "relay unix - - n - - smtp -o smtp_tls_fingerprint_cert_match=█\n",
        "smtp_tls_fingerprint_digest = sha512\n",
      ),
    ).toContain("cert_match=<sha512>");
  });
});

describe("CA files, compared with what OpenSSL loads", () => {
  const CA_FILES: Record<string, ExampleHostFile> = {
    "/etc/ssl/empty.pem": { about: "", objects: [] },
    "/etc/ssl/key.pem": { about: "", objects: [{ key: "ca-key" }] },
    "/etc/ssl/request.pem": { about: "", objects: [{ csr: "ca-csr" }] },
    "/etc/ssl/der.pem": { about: "", objects: [{ cert: "Der CA", ca: true }], der: true },
    "/etc/ssl/leaf.pem": { about: "", objects: [{ cert: "leaf.example.com", issuer: "Some CA" }] },
    "/etc/ssl/self.pem": { about: "", objects: [{ cert: "self.example.com" }] },
    "/etc/ssl/cas.pem": {
      about: "",
      objects: [
        { cert: "leaf2.example.com", issuer: "Root CA" },
        { cert: "Root CA", ca: true },
      ],
    },
  };
  const DAMAGED = "-----BEGIN CERTIFICATE-----\nMIIBAAAA\n-----END CERTIFICATE-----\n";

  /** Whether `openssl verify` refuses to load the file as its CAfile. */
  function opensslRefuses(name: string, bytes: Buffer | string): boolean {
    const path = join(dir, `ca-${name}`);
    writeFileSync(path, bytes);
    writeFileSync(join(dir, "target.pem"), pemOf({ cert: "target" }));
    try {
      execSync(`openssl verify -CAfile ${path} target.pem`, { cwd: dir, stdio: "pipe" });
      return false;
    } catch (error) {
      const output = String((error as { stderr?: Buffer }).stderr ?? "");
      return /error loading file/i.test(output);
    }
  }

  const fired = (id: string, path: string, host: Record<string, ExampleHostFile>) =>
    messagesOf(id, { main: `smtp_tls_CAfile = ${path}\n`, host }).length > 0;

  it("tls-ca-file fires exactly for the files OpenSSL cannot load", () => {
    const host = exampleHostFiles(CA_FILES);
    for (const path of Object.keys(CA_FILES)) {
      const refused = opensslRefuses(
        path.split("/").pop()!,
        Buffer.from(host.get(path)!.contents!),
      );
      expect(fired("tls-ca-file", path, CA_FILES), path).toBe(refused);
    }
    expect(opensslRefuses("damaged.pem", DAMAGED)).toBe(true);
    const damaged = diagnoseFile("main", "smtp_tls_CAfile = /etc/ssl/damaged.pem\n", {
      settings: {
        host: hostFilesOf(
          [{ path: "/etc/ssl/damaged.pem", status: "ok", contents: Buffer.from(DAMAGED) }],
          Date.now(),
        ),
      },
      rules: new Set(["tls-ca-file"]),
    }).diagnostics;
    expect(damaged.map((diagnostic) => diagnostic.message)).toEqual([
      expect.stringContaining("which has a damaged certificate (PEM object number 1)"),
    ]);
  });

  it("tls-ca-no-authority fires for loadable files without a CA certificate", () => {
    const firing = Object.keys(CA_FILES).filter((path) =>
      fired("tls-ca-no-authority", path, CA_FILES),
    );
    expect(firing).toEqual(["/etc/ssl/leaf.pem", "/etc/ssl/self.pem"]);
    expect(
      messagesOf("tls-ca-no-authority", {
        main: "smtp_tls_CAfile = /etc/ssl/self.pem\n",
        host: CA_FILES,
      }),
    ).toEqual([
      expect.stringContaining(
        "Only a peer that presents its self-signed certificate itself is verified.",
      ),
    ]);
  });

  it("shows how many entries of a CApath are named by hash in the hover", () => {
    const { config, index, position } = atCursor("main", "smtp_tls_CApath = /etc/ssl/ce█rts\n");
    const result = doHover(config, index, position, {
      version: "3.7",
      host: exampleHostFiles({
        "/etc/ssl/certs": { about: "", entries: ["ca.pem", "4042bcee.0", "README"] },
      }),
    });
    expect((result?.contents as { value: string }).value).toBe(
      "**/etc/ssl/certs**: a directory of 3 entries, 1 of them named by certificate hash (the names OpenSSL looks CA certificates up by).",
    );
  });

  it("shows how many CA certificates a CAfile holds in the hover", () => {
    const { config, index, position } = atCursor("main", "smtp_tls_CAfile = /etc/ssl/c█as.pem\n");
    const result = doHover(config, index, position, {
      version: "3.7",
      host: exampleHostFiles(CA_FILES),
    });
    expect((result?.contents as { value: string }).value).toContain(
      "**/etc/ssl/cas.pem**: 2 certificates (1 CA)",
    );
  });
});

describe("hover on a certificate path", () => {
  const hover = (kind: "main" | "master", marked: string, main?: string) => {
    const { config, index, position } = atCursor(kind, marked);
    const result = doHover(config, index, position, {
      version: "3.7",
      main: main === undefined ? undefined : parseConfig("main", main),
      host: exampleHostFiles(CHAIN),
    });
    return result ? (result.contents as { value: string }).value : "";
  };

  it("shows subject, names, issuer, validity, key, fingerprints in the configured digest and TLSA", () => {
    const text = hover(
      "main",
      "myhostname = mail.example.com\nsmtpd_tls_fingerprint_digest = sha1\nsmtpd_tls_chain_files = /etc/ssl/m█ail.pem\n",
    );
    expect(text).toContain("1 private key, 2 certificates");
    expect(text).toContain("- Subject: CN=mail.example.com");
    expect(text).toContain("- Names: mail.example.com");
    expect(text).toContain("- Issuer: CN=Example CA");
    expect(text).toMatch(/\((59|60) days left\)/);
    expect(text).toContain("- Key: EC prime256v1");
    expect(text).toMatch(/- Certificate sha1: `([0-9A-F]{2}:){19}[0-9A-F]{2}`/);
    expect(text).toMatch(/_25\._tcp\.mail\.example\.com\. IN TLSA 3 1 1 [0-9a-f]{64}/);
  });

  it("expands $name in the path and works in a master.cf -o setting", () => {
    const text = hover(
      "master",
      "submission inet n - n - - smtpd -o smtpd_tls_chain_files=$ssl_dir/ma█il.pem\n",
      "ssl_dir = /etc/ssl\nmyhostname = mail.example.com\n",
    );
    expect(text).toContain("CN=mail.example.com");
    // compatibility_level is 0 by default, and below 3.6 the digest is md5 (as postconf -d says).
    expect(text).toMatch(/- Certificate md5: `([0-9A-F]{2}:){15}[0-9A-F]{2}`/);
  });

  it("shows the file a relative path names in queue_directory", () => {
    const text = hover("main", "queue_directory = /etc/ssl/\nsmtpd_tls_chain_files = ma█il.pem\n");
    expect(text).toContain("**/etc/ssl/mail.pem**: 1 private key, 2 certificates (1 CA)");
  });

  it("says what the reader found for a missing file", () => {
    const { config, index, position } = atCursor(
      "main",
      "smtpd_tls_cert_file = /etc/ssl/g█one.pem\n",
    );
    const result = doHover(config, index, position, {
      version: "3.7",
      host: exampleHostFiles({ "/etc/ssl/gone.pem": { about: "", missing: true } }),
    });
    expect((result?.contents as { value: string }).value).toBe(
      "**/etc/ssl/gone.pem** does not exist.",
    );
  });
});

describe("certificate rules across roles and scopes", () => {
  const expired: Record<string, ExampleHostFile> = {
    "/etc/ssl/old.pem": { about: "", objects: [{ key: "old" }, { cert: "old", days: [-100, -1] }] },
  };

  it("check a master.cf service's -o file, reported on its -o setting", () => {
    const messages = messagesOf("certificate-expired", {
      main: "smtpd_tls_chain_files = /etc/ssl/mail.pem\n",
      master: "submission inet n - n - - smtpd\n  -o smtpd_tls_chain_files=/etc/ssl/old.pem\n",
      host: { ...CHAIN, ...expired },
    });
    expect(messages).toEqual([
      expect.stringMatching(
        /^master: The certificate for CN=old in "\/etc\/ssl\/old\.pem" expired 1 day ago/,
      ),
    ]);
  });

  it("expand $name references and cover the smtp client and tlsproxy", () => {
    for (const parameter of [
      "smtp_tls_chain_files",
      "tlsproxy_tls_chain_files",
      "lmtp_tls_chain_files",
    ]) {
      const messages = messagesOf("certificate-expired", {
        main: `ssl = /etc/ssl\n${parameter} = $ssl/old.pem\n`,
        host: expired,
      });
      expect(messages, parameter).toHaveLength(1);
    }
  });

  it("read the key of a cert_file/key_file pair from the default ($smtpd_tls_cert_file)", () => {
    expect(
      messagesOf("tls-key-mismatch", {
        main: "smtpd_tls_cert_file = /etc/ssl/both.pem\n",
        host: { "/etc/ssl/both.pem": { about: "", objects: [{ key: "a" }, { cert: "b" }] } },
      }),
    ).toHaveLength(1);
  });

  it("report a mismatch in chain files for the key and the certificate after it", () => {
    expect(
      messagesOf("tls-key-mismatch", {
        main: "smtpd_tls_chain_files = /etc/ssl/rsa.pem, /etc/ssl/ec.pem\n",
        host: {
          "/etc/ssl/rsa.pem": { about: "", objects: [{ key: "rsa" }, { cert: "rsa" }] },
          "/etc/ssl/ec.pem": { about: "", objects: [{ key: "ec1" }, { cert: "ec2" }] },
        },
      }),
    ).toEqual([
      expect.stringContaining('The private key in "/etc/ssl/ec.pem" (PEM object 1) does not match'),
    ]);
  });

  it("pair a service's own key with main.cf's certificate, reporting only on the service's key", () => {
    const input = {
      main: "smtpd_tls_cert_file = /etc/ssl/cert.pem\nsmtpd_tls_key_file = /etc/ssl/key.pem\n",
      master: "submission inet n - n - - smtpd\n  -o smtpd_tls_key_file=/etc/ssl/old-key.pem\n",
      host: {
        "/etc/ssl/cert.pem": { about: "", objects: [{ cert: "new", issuer: "ca" }] },
        "/etc/ssl/key.pem": { about: "", objects: [{ key: "new" }] },
        "/etc/ssl/old-key.pem": { about: "", objects: [{ key: "old" }] },
      },
    };
    expect(messagesOf("tls-key-mismatch", input)).toEqual([
      expect.stringMatching(
        /^master: The private key in "\/etc\/ssl\/old-key\.pem" does not match/,
      ),
    ]);
    // What is wrong with the certificate itself is said once, where main.cf names it.
    expect(messagesOf("tls-chain-incomplete", input)).toEqual([
      expect.stringMatching(/^main: "\/etc\/ssl\/cert\.pem" holds the certificate for CN=new/),
    ]);
  });

  it("pair a service's key with the certificate in effect for the service ($name overridden by -o)", () => {
    const input = (serviceKey: string) => ({
      main: "ssl = /etc/ssl\nsmtpd_tls_cert_file = $ssl/cert.pem\nsmtpd_tls_key_file = $ssl/key.pem\n",
      master: `submission inet n - n - - smtpd\n  -o ssl=/etc/other -o smtpd_tls_key_file=${serviceKey}\n`,
      host: {
        "/etc/ssl/cert.pem": { about: "", objects: [{ cert: "main" }] },
        "/etc/ssl/key.pem": { about: "", objects: [{ key: "main" }] },
        "/etc/other/cert.pem": { about: "", objects: [{ cert: "other" }] },
        "/etc/other/key.pem": { about: "", objects: [{ key: "other" }] },
      },
    });
    expect(messagesOf("tls-key-mismatch", input("$ssl/key.pem"))).toEqual([]);
    expect(messagesOf("tls-key-mismatch", input("/etc/ssl/key.pem"))).toEqual([
      expect.stringContaining(
        'does not match the certificate after it for CN=other in "/etc/other/cert.pem"',
      ),
    ]);
  });

  it("read a relative path from queue_directory, as the daemons do, when main.cf or -o sets it", () => {
    const expiredThere = {
      "/var/spool/postfix/old.pem": expired["/etc/ssl/old.pem"],
      "/srv/queue/old.pem": expired["/etc/ssl/old.pem"],
    };
    expect(
      messagesOf("certificate-expired", {
        main: "queue_directory = /var/spool/postfix/\nsmtpd_tls_chain_files = old.pem\n",
        host: expiredThere,
      }),
    ).toEqual([expect.stringContaining('in "/var/spool/postfix/old.pem" expired')]);
    expect(
      messagesOf("certificate-expired", {
        main: "queue_directory = /var/spool/postfix\n",
        master:
          "submission inet n - n - - smtpd\n  -o queue_directory=/srv/queue -o smtpd_tls_chain_files=old.pem\n",
        host: expiredThere,
      }),
    ).toEqual([expect.stringContaining('in "/srv/queue/old.pem" expired')]);
    expect(
      messagesOf("tls-file-unreadable", {
        main: "queue_directory = /var/spool/postfix\nsmtpd_tls_cert_file = certs/gone.pem\n",
        host: { "/var/spool/postfix/certs/gone.pem": { about: "", missing: true } },
      }),
    ).toEqual([
      expect.stringContaining(
        'smtpd_tls_cert_file names "certs/gone.pem" (in queue_directory: "/var/spool/postfix/certs/gone.pem"), which does not exist.',
      ),
    ]);
  });

  it("say where a relative path is read, and that it is not checked without queue_directory", () => {
    const main = "smtpd_tls_cert_file = cert.pem\nsmtp_tls_CAfile = ca.pem\n";
    expect(messagesOf("tls-file-relative", { main, host: {} })).toEqual([
      expect.stringMatching(
        /^main: smtpd_tls_cert_file names the relative path "cert\.pem", which smtpd reads from queue_directory, and .* not checked here/,
      ),
      expect.stringMatching(
        /^main: smtp_tls_CAfile names the relative path "ca\.pem", which the smtp client reads/,
      ),
    ]);
    expect(hostFileRequests(parseConfig("main", main)).requests).toEqual([]);
    expect(
      messagesOf("tls-file-relative", {
        main: `queue_directory = /var/spool/postfix\n${main}`,
        host: {},
      }),
    ).toEqual([
      expect.stringContaining('reads from queue_directory: "/var/spool/postfix/cert.pem".'),
      expect.stringContaining('reads from queue_directory: "/var/spool/postfix/ca.pem".'),
    ]);
  });

  it("take none as no file only where smtpd and tlsproxy say so", () => {
    expect(
      messagesOf("tls-file-relative", {
        main: "smtpd_tls_cert_file = NONE\ntlsproxy_tls_cert_file = none\nsmtp_tls_cert_file = none\n",
        host: {},
      }),
    ).toEqual([expect.stringContaining('smtp_tls_cert_file names the relative path "none"')]);
  });

  it("stay silent without host files (file checks off)", () => {
    for (const id of ["tls-file-unreadable", "certificate-expired", "tls-key-mismatch"])
      expect(messagesOf(id, { main: "smtpd_tls_chain_files = /etc/ssl/gone.pem\n" })).toEqual([]);
  });

  it("report a not-yet-valid certificate and an MD5 signature", () => {
    const host: Record<string, ExampleHostFile> = {
      "/etc/ssl/future.pem": {
        about: "",
        objects: [{ key: "rsa" }, { cert: "rsa", issuer: "rsa-ca", hash: "md5", days: [2, 90] }],
      },
    };
    const main = "smtpd_tls_chain_files = /etc/ssl/future.pem\n";
    expect(messagesOf("certificate-expired", { main, host })).toEqual([
      expect.stringMatching(/is not valid until \d{4}-\d\d-\d\d \(in 2 days\)/),
    ]);
    expect(messagesOf("certificate-weak", { main, host })).toEqual([
      expect.stringContaining("is signed with MD5"),
    ]);
  });

  it("warn within expiryWarningDays (default 21)", () => {
    const files: Record<string, ExampleHostFile> = {
      "/etc/ssl/soon.pem": { about: "", objects: [{ key: "k" }, { cert: "k", days: [-10, 30] }] },
    };
    const main = "smtpd_tls_chain_files = /etc/ssl/soon.pem\n";
    const expiring = (days?: number) =>
      diagnoseFile("main", main, {
        settings: { host: exampleHostFiles(files, Date.now(), days) },
        rules: new Set(["certificate-expiring"]),
      }).diagnostics.length;
    // 30 days left: silent at the default, reported at 45.
    expect(expiring()).toBe(0);
    expect(expiring(45)).toBe(1);
  });

  it("work on a CRLF main.cf with a path after a tab, reporting on the path's word", () => {
    const found = findingsOf("certificate-expired", {
      main: "smtpd_tls_chain_files =\t/etc/ssl/a.pem,\t/etc/ssl/old.pem\r\n",
      host: { ...expired, "/etc/ssl/a.pem": { about: "", objects: [{ key: "a" }, { cert: "a" }] } },
    });
    expect(found).toHaveLength(1);
    expect(found[0].diagnostic.range.start).toEqual({ line: 0, character: 40 });
    expect(found[0].diagnostic.range.end).toEqual({ line: 0, character: 56 });
  });

  it("report key permissions for group-readable keys and non-root owners", () => {
    const messages = messagesOf("tls-key-permissions", {
      main: "smtpd_tls_chain_files = /etc/ssl/k.pem\n",
      host: {
        "/etc/ssl/k.pem": {
          about: "",
          mode: 0o640,
          uid: 1000,
          objects: [{ key: "k" }, { cert: "k" }],
        },
      },
    });
    expect(messages).toEqual([
      expect.stringContaining("has mode 0640, so its group can read the key"),
      expect.stringContaining("is owned by user id 1000, not root"),
    ]);
  });

  it("leave a key to its own group only while the group cannot write it and the directory keeps others out", () => {
    const keyIn = (mode: number, gid: number, directoryMode: number) =>
      messagesOf("tls-key-permissions", {
        main: "smtpd_tls_chain_files = /etc/ssl/private/k.pem\n",
        host: {
          "/etc/ssl/private/k.pem": {
            about: "",
            mode,
            gid,
            directory: { mode: directoryMode, gid },
            objects: [{ key: "k" }, { cert: "k" }],
          },
        },
      });
    expect(keyIn(0o640, 112, 0o710)).toEqual([]);
    expect(keyIn(0o640, 112, 0o700)).toEqual([]);
    expect(keyIn(0o660, 112, 0o710)).toEqual([expect.stringContaining("has mode 0660")]);
    expect(keyIn(0o640, 112, 0o711)).toEqual([
      expect.stringContaining("chmod o-rwx /etc/ssl/private"),
    ]);
    expect(keyIn(0o640, 0, 0o710)).toEqual([expect.stringContaining("has mode 0640")]);
  });
});
