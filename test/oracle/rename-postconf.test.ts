// Every rename, judged by the real postconf 3.7: `postconf -n` and `-P` after the
// rename print what they printed before with the old name replaced by the new one,
// and nothing else changes.

import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { type MarkedPair, renamed } from "../support/renameCase";
import { POSTCONF, postconfSettings, writeCase } from "./harness";

interface RenameCase extends MarkedPair {
  name: string;
  from: string;
  to: string;
}

const SMTP = "smtp inet n - y - - smtpd\n";

const CASES: RenameCase[] = [
  {
    name: "user-parameter",
    from: "banner_text",
    to: "greeting",
    main: "banner_text = hello\nsmtpd_banner = $myhostname ${banner_text}\n",
    master: `${SMTP}submission inet n - y - - smtpd\n  -o smtpd_banner=$(banner_t█ext)\n  -o banner_text=hi\n`,
  },
  {
    name: "restriction-class",
    from: "partners",
    to: "trusted_senders",
    main: [
      "smtpd_restriction_classes = partners",
      "partners = check_sender_access hash:/etc/postfix/sender_access, permit",
      "smtpd_recipient_restrictions = permit_mynetworks, partne█rs, reject_unauth_destination",
      "",
    ].join("\n"),
    master: SMTP,
  },
  {
    name: "service",
    from: "amavis",
    to: "scanner",
    main: "content_filter = amavis:[127.0.0.1]:10024\namavis_destination_concurrency_limit = 2\nx = $amavis_destination_concurrency_limit\n",
    master: `${SMTP}amav█is unix - - n - 2 smtp\n  -o smtp_data_done_timeout=1200\n`,
  },
];

const root = mkdtempSync(join(tmpdir(), "rename-postconf-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function settingsOf(name: string, pair: MarkedPair): Promise<Map<string, string>> {
  const { settings, stderr } = await postconfSettings(writeCase(root, { name, ...pair }));
  expect(settings, stderr).toBeDefined();
  return settings!;
}

describe.skipIf(!existsSync(POSTCONF))("renames judged by postconf", () => {
  for (const renameCase of CASES) {
    it(`${renameCase.name}: ${renameCase.from} → ${renameCase.to}`, async () => {
      const before = {
        main: renameCase.main.replace("█", ""),
        master: renameCase.master.replace("█", ""),
      };
      const after = renamed(renameCase, renameCase.to);
      if ("error" in after) throw new Error(after.error);
      const old = new RegExp(`(?<![A-Za-z0-9_])${renameCase.from}(?![A-Za-z0-9])`, "g");
      const expected = new Map(
        [...(await settingsOf(`${renameCase.name}-before`, before))].map(([key, value]) => [
          key.replace(old, renameCase.to),
          value.replace(old, renameCase.to),
        ]),
      );
      const actual = await settingsOf(`${renameCase.name}-after`, after);
      expect([...actual].sort()).toEqual([...expected].sort());
      // The rename reached postconf's view: the old name is gone from it.
      expect(JSON.stringify([...actual])).not.toMatch(old);
    });
  }
});
