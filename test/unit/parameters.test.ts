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
  defaultValue,
  dbmsWrapperTypes,
  firstKnownRelease,
  getParameter,
  isBuiltinParameter,
  isKnownParameter,
  lastKnownRelease,
  nextRelease,
  postconfWarns,
  releaseLine,
  serviceParameterDefault,
  serviceParameterNames,
  serviceSuffixRules,
  warnsAsDeprecated,
} from "../../server/src/service/data/parameters";
import { RENAMED_PARAMETERS } from "../../server/src/service/data/parametersRenamed";

const POSTCONF = "/usr/sbin/postconf";
const MASTER_CF_DIST = "/usr/share/postfix/master.cf.dist";
/** A clone of the Postfix source (vdukhovni/postfix with its tags), for the generator check. */
const POSTFIX_SRC = process.env.POSTFIX_SRC;
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
  return new Set(postconfDefaults(dir).keys());
}

/** What `postconf -d` prints: name -> value. */
function postconfDefaults(dir: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of runPostconf(["-d", "-c", dir]).stdout.split("\n")) {
    const match = /^(\S+) =(?: (.*))?$/.exec(line);
    if (match) values.set(match[1], match[2] ?? "");
  }
  return values;
}

/** postconf prints values with whitespace runs folded to one space. */
const normalise = (value: string | undefined) => value?.replace(/\s+/g, " ").trim();

/** The installed mail_version, e.g. "3.7.11". */
function installedVersion(): string {
  return runPostconf(["-d", "-h", "-c", configDir("", ""), "mail_version"]).stdout.trim();
}

function installedReleaseLine(): string {
  return releaseLine(installedVersion());
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

// Names whose printed default may differ from defaultValue(name, line) of
// the installed line, and why. Keep this honest and small: everything else
// must match exactly (after whitespace normalisation).
const COMPUTED_ON_THE_HOST = [
  "myhostname", // from the host name
  "mydomain", // from myhostname
  "mynetworks", // from the host's interfaces
  "process_id", // of the postconf process
  "process_name", // "postconf"
  "service_name", // set by the running daemon
];
// Install paths that Debian's build sets instead of the upstream ones.
const DEBIAN_INSTALL_PATHS = [
  "daemon_directory",
  "html_directory",
  "manpage_directory",
  "readme_directory",
];
// The data of a release line follow its newest patch release: its version
// and date differ from an older installed patch, and so do the defaults that
// changed within the line (allowed only when the installed patch is older
// than the patch that changed them; listed for the line Debian installs).
const PATCH_RELEASE = ["mail_version", "mail_release_date"];
const CHANGED_IN_PATCH: Record<string, Record<string, string>> = {
  "3.7": {
    smtp_tls_dane_insecure_mx_policy: "3.7.13",
    milter_default_action: "3.7.20",
    tlsproxy_client_policy_maps: "3.7.20",
    tlsproxy_client_security_level: "3.7.20",
  },
};

describe("default values against the installed postconf", () => {
  it.skipIf(!hasPostconf)(
    `defaultValue equals what postconf -d prints, with a short list of exceptions${skippedWithoutPostconf}`,
    () => {
      const installed = installedVersion();
      const line = releaseLine(installed);
      const dataRelease = generated.source.releases[line as keyof typeof generated.source.releases];
      // A tag such as "v3.7.22", or a commit for the newest (untagged) line.
      const dataPatch = /^v(\d+\.\d+\.\d+)$/.exec(dataRelease)?.[1] ?? line;
      const changedInPatch = Object.entries(CHANGED_IN_PATCH[line] ?? {})
        .filter(([, patch]) => compareVersions(installed, patch) < 0)
        .map(([name]) => name);
      for (const [, patch] of Object.entries(CHANGED_IN_PATCH[line] ?? {}))
        expect(compareVersions(patch, dataPatch)).toBeLessThanOrEqual(0);

      const printed = postconfDefaults(configDir("", ""));
      const mismatches: Record<string, { ours: string | undefined; postconf: string }> = {};
      let compared = 0;
      for (const [name, value] of printed) {
        const ours = defaultValue(name, line);
        if (normalise(ours) === normalise(value)) compared++;
        else mismatches[name] = { ours, postconf: value };
      }
      const allowed = [...COMPUTED_ON_THE_HOST, ...DEBIAN_INSTALL_PATHS, ...changedInPatch];
      if (installed !== dataPatch) allowed.push(...PATCH_RELEASE);
      expect(
        difference(Object.keys(mismatches), new Set(allowed)),
        JSON.stringify(mismatches, null, 1),
      ).toEqual([]);
      expect(compared).toBeGreaterThan(800);

      // The exceptions are marked as such in the data.
      for (const name of COMPUTED_ON_THE_HOST)
        expect(getParameter(name)?.defaultComputed, name).toBe(true);
      for (const name of DEBIAN_INSTALL_PATHS)
        expect(getParameter(name)?.buildDependent, name).toBe(true);
      expect(defaultValue("mail_version", line)).toBe(dataPatch);
    },
  );

  it.skipIf(!hasPostconf)(
    `service defaults for the Debian master.cf equal postconf -d${skippedWithoutPostconf}`,
    () => {
      const line = installedReleaseLine();
      const masterCf = readFileSync(MASTER_CF_DIST, "utf8");
      const printed = postconfDefaults(configDir("", masterCf));
      let checked = 0;
      for (const { service, command } of masterCfServices(masterCf)) {
        for (const name of serviceParameterNames(service, command, line)) {
          expect(printed.has(name), name).toBe(true);
          expect(
            normalise(serviceParameterDefault(name, service, command, line)),
            `${service}/${command}: ${name}`,
          ).toBe(normalise(printed.get(name)));
          checked++;
        }
      }
      expect(checked).toBeGreaterThan(100);
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

  it("dates a name by the first release whose code uses it, not by postconf's list", () => {
    // Before 2.9 postconf did not list debugger_command, but every daemon read it.
    expect(isBuiltinParameter("debugger_command", "2.8")).toBe(false);
    expect(isBuiltinParameter("debugger_command", "2.9")).toBe(true);
    for (const version of ["2.0", "2.8", "2.9", NEWEST_VERSION])
      expect(isKnownParameter("debugger_command", version), version).toBe(true);
    expect(firstKnownRelease(getParameter("debugger_command")!)).toBe("2.0");
    // A name that only appeared later is still unknown before it.
    expect(isKnownParameter("smtpd_sasl_path", "2.2")).toBe(false);
    expect(firstKnownRelease(getParameter("smtpd_sasl_path")!)).toBe("2.3");
  });

  it("knows the names the daemons set at run time, from the release that sets them", () => {
    for (const name of ["process_name", "process_id"]) {
      expect(getParameter(name)).toMatchObject({ readOnly: true, setAtRunTime: { since: "2.0" } });
      expect(isKnownParameter(name, "2.0"), name).toBe(true);
      // postconf -d prints them only from 2.10 on.
      expect(isBuiltinParameter(name, "2.9"), name).toBe(false);
    }
    expect(isKnownParameter("service_name", "3.3")).toBe(true);
    expect(isKnownParameter("service_name", "3.2")).toBe(false);
    // Set by the daemons, but an ordinary parameter too: not read-only.
    expect(getParameter("config_directory")?.setAtRunTime).toBeUndefined();
    expect(getParameter("config_directory")?.readOnly).toBeUndefined();
  });

  it("knows which releases' postconf warns about unused and undefined names", () => {
    expect(postconfWarns("unused", "2.8")).toBe(false);
    expect(postconfWarns("unused", "2.9")).toBe(true);
    expect(postconfWarns("undefined", "2.9")).toBe(false);
    expect(postconfWarns("undefined", "2.10.3")).toBe(true);
    expect(postconfWarns("undefined", NEWEST_VERSION)).toBe(true);
  });

  it("tells the last release of a removed name, and none for a current one", () => {
    const sasl = getParameter("smtpd_sasl_application_name")!;
    expect(lastKnownRelease(sasl)).toBe("2.2");
    expect(nextRelease("2.2")).toBe("2.3");
    expect(nextRelease(NEWEST_VERSION)).toBeUndefined();
    expect(lastKnownRelease(getParameter("debugger_command")!)).toBeUndefined();
    expect(lastKnownRelease(getParameter("myhostname")!)).toBeUndefined();
  });

  it("has hand-written renames only for removed names, replaced by a name known right after", () => {
    expect(Object.keys(RENAMED_PARAMETERS).length).toBeGreaterThan(0);
    for (const [name, { replacement }] of Object.entries(RENAMED_PARAMETERS)) {
      const facts = getParameter(name);
      expect(facts?.status, name).toBe("removed");
      const removedIn = nextRelease(lastKnownRelease(facts!)!)!;
      expect(isKnownParameter(replacement, removedIn), `${replacement} in ${removedIn}`).toBe(true);
      expect(isKnownParameter(replacement, NEWEST_VERSION), replacement).toBe(true);
    }
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

describe("default values from the code", () => {
  it("renders each table kind as postconf -d prints it", () => {
    expect(defaultValue("smtp_helo_timeout", "3.7")).toBe("300s");
    expect(defaultValue("message_size_limit", "3.7")).toBe("10240000");
    expect(defaultValue("smtpd_tls_wrappermode", "3.7")).toBe("no");
    expect(defaultValue("biff", "3.7")).toBe("yes");
    expect(defaultValue("smtputf8_enable", "3.7")).toBe(
      "${{$compatibility_level} <level {1} ? {no} : {yes}}",
    );
    // Adjacent literals and macros built from other macros.
    expect(defaultValue("syslog_name", "3.7")).toBe(
      "${multi_instance_name?{$multi_instance_name}:{postfix}}",
    );
    expect(defaultValue("tls_high_cipherlist", "3.12")).toBe(
      "aNULL:-aNULL:HIGH:!SEED:!IDEA:!3DES:!RC2:!RC4:!RC5:!kDH:!kECDH:!aDSS:!MD5:@STRENGTH",
    );
    // Before 2.9 the per-transport names were built in.
    expect(defaultValue("smtp_destination_concurrency_limit", "2.8")).toBe(
      "$default_destination_concurrency_limit",
    );
    expect(defaultValue("smtp_destination_concurrency_limit", "3.7")).toBeUndefined();
  });

  it("follows the value across release lines", () => {
    expect(getParameter("smtpd_forbid_unauth_pipelining")?.codeDefault).toEqual([
      ["3.5", "no"],
      ["3.9", "yes"],
    ]);
    expect(defaultValue("smtpd_forbid_unauth_pipelining", "3.8")).toBe("no");
    expect(defaultValue("smtpd_forbid_unauth_pipelining", "3.9.1")).toBe("yes");
    expect(defaultValue("smtpd_forbid_unauth_pipelining", "3.4")).toBeUndefined();
    expect(defaultValue("smtp_line_length_limit", "2.8")).toBe("990");
    expect(defaultValue("smtp_line_length_limit", "2.9")).toBe("998");
    expect(defaultValue("no_such_parameter", "3.7")).toBeUndefined();
  });

  it("marks computed and build-dependent defaults", () => {
    for (const name of ["myhostname", "mydomain", "mynetworks"]) {
      expect(getParameter(name)).toMatchObject({ type: "str_fn", defaultComputed: true });
      expect(defaultValue(name, "3.7")).toBeUndefined();
    }
    // NIS and the platform's database type.
    expect(getParameter("alias_maps")?.buildDependent).toBe(true);
    expect(defaultValue("alias_maps", "3.7")).toBe("hash:/etc/aliases, nis:mail.aliases");
    expect(defaultValue("alias_maps", "3.11")).toBe(
      "$default_database_type:/etc/aliases, nis:mail.aliases",
    );
    // Curves that OpenSSL 3 provides.
    expect(getParameter("tls_eecdh_auto_curves")?.buildDependent).toBe(true);
    expect(defaultValue("tls_eecdh_auto_curves", "3.7")).toBe(
      "X25519 X448 prime256v1 secp521r1 secp384r1",
    );
    expect(getParameter("inet_protocols")?.buildDependent).toBe(true);
    expect(getParameter("smtpd_banner")?.buildDependent).toBeUndefined();
    // Every built-in name has a value or is computed, in every line.
    for (const version of SUPPORTED_VERSIONS) {
      for (const name of builtinParameterNames(version)) {
        if (getParameter(name)?.defaultComputed) continue;
        expect(defaultValue(name, version), `${name} in ${version}`).toBeTypeOf("string");
      }
    }
  });

  it("gives derived service names the default of their suffix rule", () => {
    expect(
      serviceParameterDefault("relay_destination_concurrency_limit", "relay", "smtp", "3.7"),
    ).toBe("$default_destination_concurrency_limit");
    expect(serviceParameterDefault("policy_time_limit", "policy", "spawn", "3.7")).toBe(
      "$command_time_limit",
    );
    // Built-in names keep their own default.
    expect(
      serviceParameterDefault("local_destination_concurrency_limit", "local", "local", "3.7"),
    ).toBe("2");
    expect(serviceParameterDefault("relay_time_limit", "relay", "smtp", "3.7")).toBeUndefined();
    expect(
      serviceParameterDefault("relay_destination_concurrency_limit", "relay", "smtp", "2.8"),
    ).toBeUndefined();
    for (const rule of serviceSuffixRules("pipe", "3.12"))
      expect(rule.defaultValue).toBe(`$${rule.defaultParameter}`);
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

  it.skipIf(!POSTFIX_SRC)(
    `is what the generator produces from the Postfix source${POSTFIX_SRC ? "" : " [skipped: set POSTFIX_SRC to a clone of vdukhovni/postfix]"}`,
    () => {
      const script = fileURLToPath(
        new URL("../../scripts/generate-parameters.mjs", import.meta.url),
      );
      // --check exits non-zero (and execFileSync throws) when the file is stale. The
      // commit the data was made from is read, so a newer clone checks the same.
      execFileSync(
        process.execPath,
        [script, "--check", "--repo", POSTFIX_SRC!, "--ref", generated.source.commit],
        { stdio: "pipe" },
      );
      // It reads every release line through git: over a minute on a busy machine.
    },
    300_000,
  );
});
