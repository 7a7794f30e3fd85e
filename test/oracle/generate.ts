// A deterministic generator of main.cf/master.cf pairs for the differential test
// against postconf. Everything derives from one seed through a small PRNG, so the
// same corpus comes out on every run and on every machine; nothing is written to
// the repository.

import type { OracleCase } from "./harness";

/** mulberry32: a tiny 32-bit PRNG, good enough to pick test inputs. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** Parameters that postfix 3.7 knows (all printed by its `postconf -d`). */
export const KNOWN_PARAMETERS = [
  "alias_database",
  "alias_maps",
  "append_dot_mydomain",
  "biff",
  "bounce_queue_lifetime",
  "compatibility_level",
  "debug_peer_level",
  "default_process_limit",
  "delay_warning_time",
  "disable_vrfy_command",
  "header_checks",
  "home_mailbox",
  "inet_interfaces",
  "inet_protocols",
  "local_recipient_maps",
  "mail_name",
  "mailbox_size_limit",
  "maximal_queue_lifetime",
  "message_size_limit",
  "milter_default_action",
  "milter_macro_daemon_name",
  "mydestination",
  "mydomain",
  "myhostname",
  "mynetworks",
  "myorigin",
  "non_smtpd_milters",
  "notify_classes",
  "readme_directory",
  "recipient_delimiter",
  "relay_domains",
  "relay_recipient_maps",
  "relayhost",
  "smtp_tls_CApath",
  "smtp_tls_loglevel",
  "smtp_tls_security_level",
  "smtp_tls_session_cache_database",
  "smtpd_banner",
  "smtpd_client_restrictions",
  "smtpd_helo_required",
  "smtpd_helo_restrictions",
  "smtpd_milters",
  "smtpd_recipient_restrictions",
  "smtpd_relay_restrictions",
  "smtpd_restriction_classes",
  "smtpd_sasl_auth_enable",
  "smtpd_sasl_path",
  "smtpd_sasl_type",
  "smtpd_sender_restrictions",
  "smtpd_tls_cert_file",
  "smtpd_tls_key_file",
  "smtpd_tls_loglevel",
  "smtpd_tls_security_level",
  "smtpd_tls_wrappermode",
  "syslog_name",
  "transport_maps",
  "virtual_alias_maps",
  "virtual_mailbox_domains",
] as const;

/** Names postconf 3.7 does not know (some look plausible, some are not valid names). */
export const UNKNOWN_PARAMETERS = [
  "bogus_param",
  "smtpd_nonexistent_feature",
  "my-param.x",
  "Myhostname",
  "tls_foo",
  "smtp_enforce_tls_typo",
];

/** Names that become valid user-defined parameters when something references them. */
export const USER_PARAMETERS = ["user_a", "user_b", "user_c", "restrictive", "permissive"];

/** Legacy database client names: `ldap:ldapsrc` makes `ldapsrc_server_host` valid. */
const LEGACY_DBMS = [
  {
    table: "ldap:ldapsrc",
    params: ["ldapsrc_server_host", "ldapsrc_search_base", "ldapsrc_bogus"],
  },
  { table: "proxy:mysql:mysrc", params: ["mysrc_hosts", "mysrc_user", "mysrc_nonsense"] },
  { table: "pgsql:pgsrc", params: ["pgsrc_hosts", "pgsrc_query"] },
];

const SERVICES = [
  { name: "smtp", type: "inet", command: "smtpd" },
  { name: "submission", type: "inet", command: "smtpd" },
  { name: "127.0.0.1:10025", type: "inet", command: "smtpd" },
  { name: "smtp", type: "unix", command: "smtp" },
  { name: "relay", type: "unix", command: "smtp" },
  { name: "mysvc", type: "unix", command: "smtp" },
  { name: "lmtp", type: "unix", command: "lmtp" },
  { name: "pickup", type: "unix", command: "pickup" },
  { name: "qmgr", type: "fifo", command: "qmgr" },
  { name: "postlog", type: "unix-dgram", command: "postlogd" },
  { name: "smtpd", type: "pass", command: "smtpd" },
  { name: "maildrop", type: "unix", command: "pipe" },
  { name: "filter", type: "unix", command: "pipe" },
];

/** Names generated from the service names above (`mysvc_destination_concurrency_limit`...). */
const SERVICE_DERIVED = [
  "mysvc_destination_concurrency_limit",
  "mysvc_tls_security_level",
  "relay_destination_rate_delay",
  "filter_destination_recipient_limit",
  "maildrop_time_limit",
];

/** Option names for `-o` (known, service-derived, user-defined and unknown). */
const OPTION_NAMES = [
  "syslog_name",
  "smtpd_tls_security_level",
  "smtpd_tls_wrappermode",
  "smtpd_sasl_auth_enable",
  "smtpd_client_restrictions",
  "smtpd_recipient_restrictions",
  "milter_macro_daemon_name",
  "smtp_tls_security_level",
  "smtpd_banner",
  "user_a",
  "user_b",
  "bogus_opt",
  "mysvc_tls_security_level",
];

const SIMPLE_WORDS = [
  "yes",
  "no",
  "may",
  "encrypt",
  "none",
  "host.example",
  "example.org",
  "127.0.0.0/8",
  "[::1]/128",
  "10.0.0.0/8,",
  "hash:/etc/postfix/access",
  "lmdb:/etc/postfix/transport",
  "inet:127.0.0.1:8891",
  "unix:private/policy",
  "permit_mynetworks,",
  "reject_unauth_destination",
  "permit_sasl_authenticated",
  "reject",
  "check_client_access",
  "postfix/submission",
  "3.6",
  "4h",
  "10240000",
  "0",
  "+",
  "a=b",
  "#word",
  "#",
  "x\\",
  "Grüße",
  "日本",
  "(paren)",
  "!bang",
  "{",
  "}",
  "{ braced value }",
  "{a,b}",
];

const MACRO_WORDS = [
  "$myhostname",
  "${mydomain}",
  "$(myorigin)",
  "$mail_name",
  "${myhostname?{yes}:{no}}",
  "${relayhost:direct}",
  "$user_a",
  "${user_b}",
  "$(user_c)",
  "${user_a?set}",
  "${user_b:unset}",
  "${user_c?{x y}:{z}}",
  "${{$compatibility_level} <level {3.6} ? {old} : {new}}",
  "$$",
  "a$$b",
  "$user_a-suffix",
  "${undefined_thing:fallback}",
];

/** Words with `$` syntax errors: fatal when in a known parameter's value. */
const BAD_MACRO_WORDS = [
  "$",
  "${}",
  "${myhostname?{x}",
  "${myhostname-x}",
  "${{a} = {b}}",
  "$(mydomain",
];

/**
 * Values for parameters that postconf itself interprets: random words there make
 * nearly every case fatal, so they get plausible values most of the time.
 */
const REALISTIC_VALUES: Record<string, string[]> = {
  compatibility_level: ["3.6", "2", "0", "3.7", "1", "3.6.1", "${{1} == {1} ? {3.6} : {2}}"],
  inet_protocols: ["all", "ipv4", "ipv6", "ipv4, ipv6", "$default_inet_protocols"],
  // Host names here would make postconf resolve them (network-dependent), so this
  // one never gets random words.
  inet_interfaces: ["all", "loopback-only"],
};
const ALWAYS_REALISTIC = new Set(["inet_interfaces"]);

const SPACING = [" = ", "=", " =", "= ", "\t=\t", "   =   ", " =\t"];
const INDENTS = [" ", "  ", "    ", "\t", " \t", "\t\t"];
const COMMENTS = ["# comment", "#", "#  spaced comment # with hash", "#myhostname = commented"];

function valueWords(rng: Rng, count: number, allowBad: boolean): string[] {
  const words: string[] = [];
  for (let i = 0; i < count; i++) {
    const roll = rng.next();
    if (allowBad && roll < 0.01) words.push(rng.pick(BAD_MACRO_WORDS));
    else if (roll < 0.3) words.push(rng.pick(MACRO_WORDS));
    else words.push(rng.pick(SIMPLE_WORDS));
  }
  return words;
}

const VALUE_SEPARATORS = [" ", " ", " ", "  ", "\t", ", "];
const FIELD_SEPARATORS = [" ", " ", "  ", "\t", " \t"];

/** Joins words, sometimes breaking them over continuation lines with comments between. */
function continuedText(
  rng: Rng,
  words: string[],
  continuation: number,
  separators = VALUE_SEPARATORS,
): string {
  let text = "";
  words.forEach((word, i) => {
    if (i > 0) {
      if (rng.chance(continuation)) {
        text += rng.chance(0.5) ? rng.pick([" ", "", "\t"]) : "";
        text += "\n";
        if (rng.chance(0.15)) text += rng.pick(INDENTS) + rng.pick(COMMENTS) + "\n";
        if (rng.chance(0.1)) text += rng.pick(COMMENTS) + "\n";
        if (rng.chance(0.1)) text += rng.pick(["", "   ", "\t"]) + "\n";
        text += rng.pick(INDENTS);
      } else {
        text += rng.pick(separators);
      }
    }
    text += word;
  });
  return text;
}

function mainName(rng: Rng, hasMaster: boolean): string {
  const roll = rng.next();
  if (roll < 0.6) return rng.pick(KNOWN_PARAMETERS);
  if (roll < 0.72) return rng.pick(USER_PARAMETERS);
  if (roll < 0.82) return rng.pick(UNKNOWN_PARAMETERS);
  if (roll < 0.9 && hasMaster) return rng.pick(SERVICE_DERIVED);
  return rng.pick(LEGACY_DBMS).params[0];
}

function generateMain(rng: Rng, hasMaster: boolean, options: { fatal: boolean }): string {
  const lines: string[] = [];
  const names: string[] = [];
  if (rng.chance(0.05)) lines.push(rng.pick(INDENTS) + "orphan = continuation");
  const entries = rng.int(0, 14);
  for (let i = 0; i < entries; i++) {
    if (rng.chance(0.2)) lines.push(rng.pick(COMMENTS));
    if (rng.chance(0.1)) lines.push(rng.pick(["", "  ", "\t"]));
    // Duplicates: reuse an earlier name, with the same or a different value.
    const name = names.length > 0 && rng.chance(0.1) ? rng.pick(names) : mainName(rng, hasMaster);
    names.push(name);
    let words: string[];
    const special = rng.next();
    const realistic = name in REALISTIC_VALUES && (ALWAYS_REALISTIC.has(name) || !rng.chance(0.02));
    if (name === "smtpd_restriction_classes") {
      words = ["restrictive,", "permissive"];
    } else if (realistic) {
      words = [rng.pick(REALISTIC_VALUES[name])];
    } else if (special < 0.08) {
      words = [rng.pick(LEGACY_DBMS).table + ",", "hash:/etc/postfix/x"];
    } else if (special < 0.14) {
      words = [];
    } else {
      words = valueWords(rng, rng.int(1, 6), options.fatal);
    }
    const spacing = rng.pick(SPACING);
    const value = continuedText(rng, words, realistic ? 0 : 0.25);
    const valueStart = words.length > 0 && rng.chance(0.1) ? "\n" + rng.pick(INDENTS) : "";
    const trailing =
      rng.chance(0.15) && !realistic ? rng.pick([" ", "\t", "  # trailing note"]) : "";
    lines.push(name + spacing + valueStart + value + trailing);
  }
  if (options.fatal) {
    const roll = rng.next();
    const at = rng.int(0, lines.length);
    if (roll < 0.3) lines.splice(at, 0, "smtpd_tls_security_level may");
    else if (roll < 0.45) lines.splice(at, 0, "= orphan value");
    else if (roll < 0.6) lines.splice(at, 0, "a b = c");
    else if (roll < 0.8) lines.push("myhostname = $mydomain", "mydomain = ${myhostname}");
    else lines.push(`${rng.pick(KNOWN_PARAMETERS)} = ${rng.pick(BAD_MACRO_WORDS)}`);
  }
  // Loops among user-defined parameters that nothing else references.
  if (rng.chance(0.03)) lines.push("user_a = $user_b", "user_b = $user_a");
  return lines.map((line) => line + "\n").join("") + (rng.chance(0.05) ? "tail = no-newline" : "");
}

function optionValue(rng: Rng, braced: boolean): string {
  const words = valueWords(rng, braced ? rng.int(1, 3) : 1, false).map((word) =>
    braced ? word : word.replace(/[\s{}]/g, ""),
  );
  return words.join(braced ? rng.pick([" ", ", "]) : "");
}

function generateOption(rng: Rng): string {
  const name = rng.pick(OPTION_NAMES);
  const roll = rng.next();
  if (roll < 0.45) return `-o ${name}=${optionValue(rng, false) || "x"}`;
  if (roll < 0.55) return `-o${name}=${optionValue(rng, false) || "x"}`;
  if (roll < 0.75) {
    const inner = `${rng.pick([" ", "", "\t"])}${name}${rng.pick(SPACING)}${optionValue(rng, true)}${rng.pick([" ", "", "\t"])}`;
    return `-o {${inner}}`;
  }
  if (roll < 0.8)
    return `-o { ${name} =\n${rng.pick(INDENTS)}${optionValue(rng, true)}\n${rng.pick(INDENTS)}}`;
  if (roll < 0.84) return `-o ${name} = ${optionValue(rng, false) || "x"}`;
  if (roll < 0.88) return `-o ${name}={a, b}`;
  if (roll < 0.91) return rng.pick(["-v", "-D", "-vo syslog_name=v", "--"]);
  if (roll < 0.94) return rng.pick(["# note", "#note"]);
  if (roll < 0.97) return rng.pick(["-o {smtpd_foo=1", "-o {syslog_name=a}b", "-o { smtpd_bar }"]);
  return `-o ${name}=$user_c`;
}

function generateMaster(rng: Rng, options: { fatal: boolean }): string {
  const lines: string[] = [];
  const entries = rng.int(0, 8);
  for (let i = 0; i < entries; i++) {
    if (rng.chance(0.15)) lines.push(rng.pick(COMMENTS));
    const service = rng.pick(SERVICES);
    const fields = [
      service.name,
      service.type,
      rng.pick(["n", "-", "y"]),
      rng.pick(["-", "n", "y"]),
      rng.pick(["n", "y", "-"]),
      rng.pick(["-", "-", "60", "1000?", "0", "300"]),
      rng.pick(["-", "-", "1", "0", "100"]),
      service.command,
    ];
    const words = [...fields];
    if (service.command === "pipe") {
      words.push(
        rng.pick(["flags=DRXhu", "flags=Rq", "flags=F"]),
        "user=vmail",
        "argv=/usr/bin/maildrop",
        rng.pick(["-d ${recipient}", "{ -f ${sender} }", "${nexthop} ($recipient)", "-o x=y"]),
      );
    } else {
      const count = rng.int(0, 5);
      for (let j = 0; j < count; j++) words.push(generateOption(rng));
    }
    lines.push(continuedText(rng, words, 0.2, FIELD_SEPARATORS));
  }
  if (options.fatal) {
    const bad = rng.pick([
      "broken inet n - y -",
      "smtp tcp n - y - - smtpd",
      "smtp inet N - y - - smtpd",
      "smtp inet n yes y - - smtpd",
      "smtp inet n - -- - - smtpd",
      "pickup unix n - y 10x 1 pickup",
      "smtp inet n - y - -1 smtpd",
    ]);
    lines.splice(rng.int(0, lines.length), 0, bad);
  }
  return lines.map((line) => line + "\n").join("");
}

export const DEFAULT_SEED = 0x5eed_2024;

/**
 * `count` cases named `gen-NNNN`. About one in twelve carries a deliberate fatal error
 * (main.cf syntax, `$` syntax, expansion loop, or a master.cf field error).
 */
export function generateCases(count = 1200, seed = DEFAULT_SEED): OracleCase[] {
  const rng = new Rng(seed);
  const cases: OracleCase[] = [];
  for (let i = 0; i < count; i++) {
    const fatalKind = rng.chance(0.08) ? rng.pick(["main", "master"] as const) : undefined;
    const hasMaster = rng.chance(0.7);
    let master = hasMaster ? generateMaster(rng, { fatal: fatalKind === "master" }) : "";
    let main = generateMain(rng, hasMaster, { fatal: fatalKind === "main" });
    if (rng.chance(0.15)) main = main.replace(/\n/g, "\r\n");
    if (rng.chance(0.15)) master = master.replace(/\n/g, "\r\n");
    cases.push({ name: `gen-${String(i).padStart(4, "0")}`, main, master });
  }
  return cases;
}
