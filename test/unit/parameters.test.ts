import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import generated from "../../server/src/service/data/parameters.generated.json";
import {
  NEWEST_VERSION,
  OLDEST_VERSION,
  SUPPORTED_VERSIONS,
  allParameters,
  builtinParameterNames,
  compareVersions,
  dbmsParameterNames,
  dbmsWrapperTypes,
  getParameter,
  isBuiltinParameter,
  isKnownParameter,
  releaseLine,
  serviceParameterNames,
  serviceSuffixRules,
  warnsAsDeprecated,
} from "../../server/src/service/data/parameters";

const POSTCONF = "/usr/sbin/postconf";
const MASTER_CF_DIST = "/usr/share/postfix/master.cf.dist";
const POSTFIX_MIRROR = "/work/.mirror/vdukhovni+postfix/repo";
const hasPostconf = existsSync(POSTCONF);
const skippedWithoutPostconf = hasPostconf ? "" : ` [skipped: ${POSTCONF} is not installed]`;

// ---------------------------------------------------------------------------
// Helpers for running the installed postconf against throw-away config dirs.

const tempDirs: string[] = [];
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

function configDir(mainCf: string, masterCf: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), "postconf-"));
  tempDirs.push(dir);
  writeFileSync(path.join(dir, "main.cf"), mainCf);
  writeFileSync(path.join(dir, "master.cf"), masterCf);
  return dir;
}

/** Runs postconf (always with -c: there is no /etc/postfix/main.cf here). */
function runPostconf(args: string[]): { stdout: string; stderr: string } {
  const result = spawnSync(POSTCONF, args, { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`postconf ${args.join(" ")}: ${result.stderr}`);
  return { stdout: result.stdout, stderr: result.stderr };
}

/** Parameter names printed by `postconf -d` (one "name = value" per line). */
function postconfDefaultNames(dir: string): Set<string> {
  const names = new Set<string>();
  for (const line of runPostconf(["-d", "-c", dir]).stdout.split("\n")) {
    const match = /^(\S+) =( |$)/.exec(line);
    if (match) names.add(match[1]);
  }
  return names;
}

function installedReleaseLine(): string {
  const dir = configDir("", "");
  const out = runPostconf(["-d", "-h", "-c", dir, "mail_version"]).stdout.trim();
  return releaseLine(out);
}

/** Service name and command (first word of field 8) of each active master.cf entry. */
function masterCfServices(text: string): { service: string; command: string }[] {
  const logical: string[] = [];
  for (const line of text.split("\n")) {
    if (/^\s*(#|$)/.test(line)) continue; // comments and blank lines
    if (/^\s/.test(line) && logical.length > 0) logical[logical.length - 1] += ` ${line}`;
    else logical.push(line);
  }
  return logical
    .map((entry) => entry.trim().split(/\s+/))
    .filter((fields) => fields.length >= 8)
    .map((fields) => ({ service: fields[0], command: fields[7] }));
}

const difference = (a: Iterable<string>, b: Set<string>) => [...a].filter((x) => !b.has(x)).sort();

// ---------------------------------------------------------------------------

describe("differential check against the installed postconf", () => {
  it.skipIf(!hasPostconf)(
    `built-in names equal postconf -d with empty main.cf and master.cf${skippedWithoutPostconf}`,
    () => {
      const line = installedReleaseLine();
      expect(SUPPORTED_VERSIONS).toContain(line);
      const printed = postconfDefaultNames(configDir("", ""));
      const ours = new Set(builtinParameterNames(line));
      expect({ missing: difference(printed, ours), extra: difference(ours, printed) }).toEqual({
        missing: [],
        extra: [],
      });
      for (const name of printed) expect(isBuiltinParameter(name, line)).toBe(true);
    },
  );

  it.skipIf(!hasPostconf)(
    `per-service names for the Debian master.cf equal what postconf -d adds${skippedWithoutPostconf}`,
    () => {
      const line = installedReleaseLine();
      const masterCf = readFileSync(MASTER_CF_DIST, "utf8");
      const baseline = postconfDefaultNames(configDir("", ""));
      const withServices = postconfDefaultNames(configDir("", masterCf));
      const added = difference(withServices, baseline);

      const derived = new Set(
        masterCfServices(masterCf).flatMap(({ service, command }) =>
          serviceParameterNames(service, command, line),
        ),
      );
      // postconf prints every derived name; those that are also built-in
      // (local_destination_concurrency_limit, ...) were printed already.
      expect(difference(derived, withServices)).toEqual([]);
      const newNames = [...derived].filter((name) => !isBuiltinParameter(name, line)).sort();
      expect(added).toEqual(newNames);
      expect(added.length).toBeGreaterThan(100);
    },
  );

  it.skipIf(!hasPostconf)(
    `legacy names are accepted without an "unused parameter" warning${skippedWithoutPostconf}`,
    () => {
      const line = installedReleaseLine();
      const legacy = allParameters().filter(
        (p) => isKnownParameter(p.name, line) && !isBuiltinParameter(p.name, line),
      );
      expect(legacy.length).toBeGreaterThan(0);
      const mainCf = [...legacy.map((p) => `${p.name} = x`), "no_such_parameter_xyz = x"].join(
        "\n",
      );
      const warnings = runPostconf(["-n", "-c", configDir(mainCf + "\n", "")]).stderr;
      const unused = [...warnings.matchAll(/unused parameter: (\w+)=/g)].map((m) => m[1]);
      expect(unused).toEqual(["no_such_parameter_xyz"]);
    },
  );
});

describe("compareVersions", () => {
  it("orders release lines numerically, not as text", () => {
    expect(compareVersions("2.10", "2.9")).toBeGreaterThan(0);
    expect(compareVersions("3.12", "3.7")).toBeGreaterThan(0);
    expect(compareVersions("2.11", "3.0")).toBeLessThan(0);
    expect(compareVersions("3.7", "3.7")).toBe(0);
    expect(compareVersions("3.7", "3.7.0")).toBe(0);
    expect(compareVersions("3.7", "3.7.11")).toBeLessThan(0);
    expect(["3.10", "2.9", "3.2", "2.10"].sort(compareVersions)).toEqual([
      "2.9",
      "2.10",
      "3.2",
      "3.10",
    ]);
  });

  it("matches tuple order and is antisymmetric", () => {
    const version = fc.array(fc.nat({ max: 40 }), { minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(version, version, (a, b) => {
        const result = Math.sign(compareVersions(a.join("."), b.join(".")));
        expect(Math.sign(compareVersions(b.join("."), a.join(".")))).toBe(-result || 0);
        const pad = (v: number[]) => [...v, 0, 0, 0].slice(0, 3);
        const [pa, pb] = [pad(a), pad(b)];
        const i = pa.findIndex((x, k) => x !== pb[k]);
        expect(result).toBe(i < 0 ? 0 : Math.sign(pa[i] - pb[i]));
      }),
    );
  });

  it("covers every release line from 2.0 to 3.12", () => {
    expect(OLDEST_VERSION).toBe("2.0");
    expect(NEWEST_VERSION).toBe("3.12");
    expect(SUPPORTED_VERSIONS).toHaveLength(25);
    expect([...SUPPORTED_VERSIONS].sort(compareVersions)).toEqual(SUPPORTED_VERSIONS);
  });
});

describe("parameter facts", () => {
  it("has postconf's counts for 3.7 and 3.12 (both checked against real builds)", () => {
    expect(builtinParameterNames("3.7")).toHaveLength(831);
    expect(builtinParameterNames("3.12")).toHaveLength(909);
    expect(builtinParameterNames("3.7.11")).toEqual(builtinParameterNames("3.7"));
  });

  it("knows a deprecated name, when postconf starts to warn and what replaces it", () => {
    const facts = getParameter("smtp_use_tls");
    expect(facts).toMatchObject({
      status: "deprecated",
      warnsSince: "3.9",
      replacement: "smtp_tls_security_level",
      type: "bool",
      builtin: { since: "2.2" },
      documented: true,
    });
    expect(isBuiltinParameter("smtp_use_tls", "3.12")).toBe(true);
    expect(isBuiltinParameter("smtp_use_tls", "2.1")).toBe(false);
    expect(warnsAsDeprecated("smtp_use_tls", "3.8")).toBe(false);
    expect(warnsAsDeprecated("smtp_use_tls", "3.9")).toBe(true);
    // The 3.9 table gives a bare name instead of 'specify "..."' here.
    expect(getParameter("lmtp_enforce_tls")?.replacement).toBe("lmtp_tls_security_level");
    expect(getParameter("smtpd_tls_eecdh_grade")).toMatchObject({
      status: "deprecated",
      advice: "remove",
    });
  });

  it("knows a removed name and the releases that had it", () => {
    const facts = getParameter("tlsproxy_client_loglevel_parameter");
    expect(facts).toMatchObject({
      status: "removed",
      builtin: { since: "3.4", until: "3.11" },
      warnsSince: "3.12",
      advice: "remove",
    });
    expect(isBuiltinParameter("tlsproxy_client_loglevel_parameter", "3.11")).toBe(true);
    expect(isBuiltinParameter("tlsproxy_client_loglevel_parameter", "3.12")).toBe(false);
    // Dropped long ago, without any warning table.
    expect(getParameter("smtpd_tls_cipherlist")).toMatchObject({
      status: "removed",
      builtin: { since: "2.2", until: "2.2" },
    });
    expect(getParameter("smtpd_tls_cipherlist")?.warnsSince).toBeUndefined();
  });

  it("tells legacy aliases from built-in names", () => {
    const facts = getParameter("virtual_maps");
    expect(facts).toMatchObject({
      legacy: { since: "2.10" },
      status: "deprecated",
      replacement: "virtual_alias_maps",
    });
    expect(facts?.builtin).toBeUndefined();
    expect(isBuiltinParameter("virtual_maps", "3.7")).toBe(false);
    expect(isKnownParameter("virtual_maps", "3.7")).toBe(true);
    expect(isKnownParameter("virtual_maps", "2.9")).toBe(false);
  });

  it("gives time parameters their default unit", () => {
    expect(getParameter("maximal_queue_lifetime")).toMatchObject({ type: "time", unit: "d" });
    expect(getParameter("smtp_connect_timeout")).toMatchObject({ type: "time", unit: "s" });
    expect(getParameter("address_verify_positive_refresh_time")).toMatchObject({
      type: "time",
      unit: "d",
    });
    // The default is "${postscreen_dnsbl_ttl?{$postscreen_dnsbl_ttl}:{1}}h".
    expect(getParameter("postscreen_dnsbl_max_ttl")).toMatchObject({ type: "time", unit: "h" });
    for (const p of allParameters()) {
      if (p.type === "time") expect(p.unit, p.name).toMatch(/^[smhdw]$/);
      else expect(p.unit, p.name).toBeUndefined();
    }
  });

  it("records types, bounds, read-only names and documentation", () => {
    expect(getParameter("message_size_limit")).toMatchObject({
      type: "long",
      typeHistory: [
        ["2.0", "int"],
        ["2.9", "long"],
      ],
    });
    expect(getParameter("smtpd_tls_wrappermode")?.type).toBe("bool");
    expect(getParameter("myhostname")).toMatchObject({ type: "str_fn", minLength: 1 });
    expect(getParameter("process_name")).toMatchObject({
      readOnly: true,
      builtin: { since: "2.10" },
    });
    expect(getParameter("smtp_helo_timeout")).toMatchObject({
      documented: true,
      documentedDefault: "300s",
    });
    expect(getParameter("access_map_defer_code")?.documentedSince).toBe("2.6");
    expect(getParameter("lmtp_skip_quit_response")?.builtin?.absent).toEqual(["2.3", "2.4", "2.5"]);
    expect(getParameter("transport_time_limit")).toMatchObject({
      template: true,
      documented: true,
    });
    expect(getParameter("transport_time_limit")?.builtin).toBeUndefined();
    expect(getParameter("no_such_parameter")).toBeUndefined();
  });

  it("keeps the pre-2.9 per-transport names valid as per-service names", () => {
    expect(getParameter("smtp_destination_concurrency_limit")).toMatchObject({
      builtin: { since: "2.0", until: "2.8" },
      perService: true,
      status: "current",
    });
    expect(serviceParameterNames("smtp", "smtp", "3.7")).toContain(
      "smtp_destination_concurrency_limit",
    );
  });
});

describe("per-service names", () => {
  it("derives delivery-agent names from the service name", () => {
    const names = serviceParameterNames("relay", "smtp", "3.7");
    expect(names).toContain("relay_destination_concurrency_limit");
    expect(names).toContain("relay_transport_rate_delay");
    expect(names).not.toContain("relay_time_limit");
    expect(names).toHaveLength(16);
    expect(serviceParameterNames("relay", "smtp", "3.0")).not.toContain(
      "relay_transport_rate_delay",
    );
  });

  it("gives pipe and spawn services a time limit", () => {
    expect(serviceParameterNames("bsmtp", "pipe", "3.7")).toContain("bsmtp_time_limit");
    expect(serviceParameterNames("bsmtp", "pipe", "3.7")).toHaveLength(17);
    expect(serviceParameterNames("policy", "spawn", "3.7")).toEqual(["policy_time_limit"]);
    expect(serviceSuffixRules("spawn")[0]).toMatchObject({
      suffix: "_time_limit",
      defaultParameter: "command_time_limit",
    });
  });

  it("derives nothing for other commands or before 2.9", () => {
    expect(serviceParameterNames("submission", "smtpd", "3.7")).toEqual([]);
    expect(serviceParameterNames("smtp", "smtp", "2.8")).toEqual([]);
    expect(serviceParameterNames("smtp", "smtp", "2.9")).toHaveLength(15);
  });
});

describe("per-database names", () => {
  it("prefixes client settings with the table name", () => {
    const names = dbmsParameterNames("ldap", "corp", "3.7");
    expect(names).toContain("corp_server_host");
    expect(names).toContain("corp_search_base");
    expect(names).toContain("corp_tls_require_cert");
    expect(dbmsParameterNames("ldap", "corp", "3.2")).not.toContain("corp_tls_require_cert");
    expect(dbmsParameterNames("mysql", "db", "3.7")).toContain("db_additional_conditions");
  });

  it("follows the release that added a table type", () => {
    expect(dbmsParameterNames("mongodb", "m", "3.8")).toEqual([]);
    expect(dbmsParameterNames("mongodb", "m", "3.9")).toContain("m_uri");
    expect(dbmsParameterNames("ldap", "corp", "2.8")).toEqual([]);
  });

  it("ignores files, regex tables and unknown types", () => {
    expect(dbmsParameterNames("ldap", "/etc/postfix/ldap.cf", "3.7")).toEqual([]);
    expect(dbmsParameterNames("ldap", ".hidden", "3.7")).toEqual([]);
    expect(dbmsParameterNames("pcre", "x", "3.12")).toEqual([]);
    expect(dbmsParameterNames("hash", "x", "3.12")).toEqual([]);
    expect(dbmsParameterNames("constructor", "x", "3.12")).toEqual([]);
    expect(dbmsWrapperTypes("3.7")).toEqual(["proxy"]);
  });
});

describe("generated data", () => {
  it("says where it comes from", () => {
    expect(generated["//"]).toContain(
      "generated — do not edit; run node scripts/generate-parameters.mjs",
    );
    expect(generated.source.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it.skipIf(!existsSync(POSTFIX_MIRROR))("is what the generator produces from the mirror", () => {
    const script = fileURLToPath(new URL("../../scripts/generate-parameters.mjs", import.meta.url));
    // --check exits non-zero (and execFileSync throws) when the file is stale.
    execFileSync(process.execPath, [script, "--check", "--repo", POSTFIX_MIRROR], {
      stdio: "pipe",
    });
  });
});
