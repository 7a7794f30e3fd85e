// The table types of our release data, judged by the real postconf 3.7: every
// type it lists with -m is one our 3.7 data knows, and every type our data says
// is always built in is on its list (types that depend on the build may be absent).

import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ALL_TABLE_TYPES, typeSupport } from "../../server/src/service/data/tables";
import { ORACLE_VERSION, POSTCONF } from "./harness";

const root = mkdtempSync(join(tmpdir(), "table-types-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe.skipIf(!existsSync(POSTCONF))("table types judged by postconf -m", () => {
  it("agree with the release data", () => {
    writeFileSync(join(root, "main.cf"), "");
    const listed = execFileSync(POSTCONF, ["-c", root, "-m"], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    const kinds = (type: string) => typeSupport(type, ORACLE_VERSION).kind;
    expect(listed.filter((type) => !["built-in", "optional"].includes(kinds(type)))).toEqual([]);
    const builtIn = ALL_TABLE_TYPES.filter((type) => kinds(type) === "built-in");
    expect(builtIn.filter((type) => !listed.includes(type))).toEqual([]);
    expect(builtIn.length).toBeGreaterThan(10);
  });
});
