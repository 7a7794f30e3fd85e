// Differential test for configuration directories that lack main.cf or
// master.cf: the emulation (postconfEmulation.ts) must fail where the real
// postconf 3.7 fails, with the same fatal text, and print the same otherwise.
// Kept apart from postconf-diff.test.ts, whose corpus takes minutes to run.

import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../../server/src/service/parser/document";
import {
  printMainSettings,
  printMasterEntries,
  printServiceSettings,
} from "../../server/src/service/postconfEmulation";
import {
  MODES,
  ORACLE_VERSION,
  POSTCONF,
  postconfFatal,
  postconfLines,
  runPostconf,
} from "./harness";

const HAVE_POSTCONF = existsSync(POSTCONF);
const HOST = hostname();
const SKIPPED = HAVE_POSTCONF ? "" : " [skipped: needs /usr/sbin/postconf]";

describe(`missing configuration files${SKIPPED}`, () => {
  // postconf stops when main.cf is missing, and for -M and -P when master.cf is;
  // -n only warns about a missing master.cf. Which file it names first depends
  // on the command. The emulation gets `undefined` for a file that is not there.
  const MAIN = "myhostname = mail.example.org\nrelayhost = [relay.example.org]\n";
  const MASTER = "smtp inet n - y - - smtpd -o smtpd_tls_security_level=may\n";
  const BAD_MASTER = "smtp inet n - y - smtpd\n";
  const layouts: { name: string; main?: string; master?: string }[] = [
    { name: "no-master", main: MAIN },
    { name: "no-main", master: MASTER },
    { name: "no-main-bad-master", master: BAD_MASTER },
    { name: "neither" },
  ];

  for (const layout of layouts) {
    it.skipIf(!HAVE_POSTCONF)(
      `${layout.name}: same output, exit status and fatal text`,
      async () => {
        const root = mkdtempSync(join(tmpdir(), "postconf-missing-"));
        const dir = join(root, layout.name);
        try {
          mkdirSync(dir);
          const past = new Date(Date.now() - 3_600_000);
          for (const [file, text] of [
            ["main.cf", layout.main],
            ["master.cf", layout.master],
          ] as const) {
            if (text === undefined) continue;
            writeFileSync(join(dir, file), text);
            // An old mtime spares postconf's wait for a freshly written main.cf.
            utimesSync(join(dir, file), past, past);
          }
          const config = {
            configDir: dir,
            hostname: HOST,
            main: layout.main === undefined ? undefined : parseConfig("main", layout.main),
            master: layout.master === undefined ? undefined : parseConfig("master", layout.master),
          };
          const printers = {
            main: printMainSettings,
            master: printMasterEntries,
            services: printServiceSettings,
          };
          for (const { mode, flag } of MODES) {
            const run = await runPostconf(dir, flag);
            const ours = printers[mode](config, ORACLE_VERSION);
            const what = `${layout.name} ${flag}`;
            expect(ours.fatal, what).toBe(postconfFatal(run));
            expect(run.code !== 0, what).toBe(ours.fatal !== undefined);
            if (mode !== "master") expect(ours.lines, what).toEqual(postconfLines(run, dir, mode));
          }
        } finally {
          rmSync(root, { recursive: true, force: true });
        }
      },
    );
  }
});
