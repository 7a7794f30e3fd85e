// The proxy-table-not-allowed quick-fix, judged by the real postconf 3.7: after
// the fix, proxy_read_maps (expanded as proxymap expands it) must be what it was
// before plus the one table, so no table the list allowed before is dropped.

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { doCodeActions } from "../../server/src/service/codeActions";
import { parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { doValidation } from "../../server/src/service/validation";
import { applyEdits } from "../support/fixes";
import { ORACLE_VERSION, POSTCONF, writeCase } from "./harness";

const SMTP = "smtp inet n - y - - smtpd\nproxymap unix - - n - - proxymap\n";

const CASES = [
  {
    name: "default-list",
    main: "myhostname = mx.example.org\nsmtpd_restriction_classes = strict\nstrict = check_sender_access proxy:hash:/etc/postfix/strict\n",
    added: "proxy:hash:/etc/postfix/strict",
  },
  {
    name: "explicit-list",
    main: "myhostname = mx.example.org\nproxy_read_maps = $virtual_alias_maps\n  proxy:hash:/etc/postfix/a\ntransport_maps = proxy:hash:/etc/postfix/transport\n",
    added: "proxy:hash:/etc/postfix/transport",
  },
];

function fixed(main: string): string {
  const index = new LineIndex(main);
  const config = parseConfig("main", main);
  const diagnostics = doValidation(
    config,
    index,
    { version: ORACLE_VERSION },
    parseConfig("master", SMTP),
  ).filter((d) => d.code === "proxy-table-not-allowed");
  expect(diagnostics).toHaveLength(1);
  const action = doCodeActions(config, index, "file:///x", diagnostics).find((a) => a.isPreferred);
  expect(action).toBeDefined();
  return applyEdits(main, index, action!.edit!.changes!["file:///x"]);
}

const proxyReadMaps = (dir: string) =>
  execFileSync(POSTCONF, ["-c", dir, "-xh", "proxy_read_maps"], { encoding: "utf8" }).trim();

const root = mkdtempSync(join(tmpdir(), "proxy-postconf-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!existsSync(POSTCONF))("proxy_read_maps after the fix, judged by postconf", () => {
  for (const { name, main, added } of CASES) {
    it(name, () => {
      const before = proxyReadMaps(writeCase(root, { name: `${name}-before`, main, master: SMTP }));
      const after = proxyReadMaps(
        writeCase(root, { name: `${name}-after`, main: fixed(main), master: SMTP }),
      );
      expect(after.split(/\s+/)).toEqual([...before.split(/\s+/), added]);
    });
  }
});
