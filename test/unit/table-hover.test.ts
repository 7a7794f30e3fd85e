import { describe, expect, it } from "vitest";
import type { MarkupContent } from "vscode-languageserver-types";
import { type HostFile, hostFilesOf } from "../../server/src/service/hostFiles";
import { doHover } from "../../server/src/service/hover";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { atCursor } from "../support/cursor";

const NOW = Date.UTC(2026, 11, 6, 12, 0);
const HOUR = 3600 * 1000;

const HOST = hostFilesOf(
  [
    {
      path: "/etc/postfix/virtual",
      status: "ok",
      size: 60,
      mtimeMs: NOW - 2 * HOUR,
      contents: new TextEncoder().encode(
        "# aliases\ninfo@example.com a\n\nsales@example.com b\n  c\n",
      ),
    },
    { path: "/etc/postfix/virtual.db", status: "ok", size: 0, mtimeMs: NOW - 3 * HOUR },
    { path: "/srv/senders", status: "missing" },
  ] satisfies HostFile[],
  NOW,
);

function hover(kind: ConfigKind, marked: string, withHost: boolean, main?: string) {
  const { config, index, position } = atCursor(kind, marked);
  const result = doHover(config, index, position, {
    version: "3.10",
    host: withHost ? HOST : undefined,
    main: main === undefined ? undefined : parseConfig("main", main),
  });
  return (result?.contents as MarkupContent | undefined)?.value;
}

describe("hover on a lookup table", () => {
  it("says what the type is, without host files", () => {
    const text = hover("main", "virtual_alias_maps = proxy:ha█sh:/etc/postfix/virtual\n", false);
    expect(text).toBe(
      "**hash:** lookup table — Berkeley DB hash file made by postmap.\n\nOpened by proxymap on behalf of the daemons.",
    );
  });

  it("counts the source's entries and dates the indexed file from the host files", () => {
    const text = hover("main", "virtual_alias_maps = hash:/etc/postfix/vir█tual\n", true);
    expect(text).toContain(
      "Source `/etc/postfix/virtual`: 2 entries, changed 2026-12-06 10:00 UTC.",
    );
    expect(text).toContain("Indexed file last written 2026-12-06 09:00 UTC.");
  });

  it("expands $names in the service's view in master.cf", () => {
    const text = hover(
      "master",
      "submission inet n - y - - smtpd\n  -o smtpd_sender_login_maps=hash:$base/sen█ders\n",
      true,
      "base = /srv\n",
    );
    expect(text).toContain("Source `/srv/senders` does not exist.");
  });

  it("leaves a policy service's socket in a restriction list to the restriction hover", () => {
    const text = hover(
      "main",
      "smtpd_recipient_restrictions = check_policy_service un█ix:private/policy\n",
      true,
    );
    expect(text ?? "").not.toContain("lookup table");
  });
});
