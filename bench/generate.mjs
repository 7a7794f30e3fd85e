// Deterministic workload generators for the benchmarks: a small seeded PRNG and
// main.cf / master.cf text that looks like what administrators write (comments,
// continuation lines, comments inside continuations, $references, -o options).
// Every generated file is accepted by postconf 3.7 without a fatal error.

/** mulberry32: a tiny, fast 32-bit PRNG; the same seed always gives the same stream. */
export function createRandom(seed) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n) => Math.floor(next() * n);
  return {
    next,
    int,
    chance: (p) => next() < p,
    pick: (items) => items[int(items.length)],
  };
}

const WORDS = (
  "the mail server relay queue domain client sender recipient policy table lookup " +
  "default legacy migrated ticket see below above network office backup primary " +
  "secondary customer tenant spam filter content tls certificate chain rotate " +
  "keep this in sync with dns mx record provider outbound inbound local virtual"
).split(" ");

function sentence(random, min, max) {
  const count = min + random.int(max - min + 1);
  const words = [];
  for (let i = 0; i < count; i++) words.push(random.pick(WORDS));
  return words.join(" ");
}

function indent(random) {
  return random.pick(["    ", "  ", "\t", "        "]);
}

/**
 * A value written over several lines: the first item after "name =" (or on the
 * next line), the rest on indented continuation lines, now and then a comment
 * line between them (Postfix skips it inside a logical line).
 */
function continued(random, name, items, { comma = true, inlineFirst = random.chance(0.5) } = {}) {
  const lines = [];
  const separator = comma ? "," : "";
  const pad = indent(random);
  if (inlineFirst) {
    lines.push(`${name} = ${items[0]}${items.length > 1 ? separator : ""}`);
  } else {
    lines.push(`${name} =`);
    lines.push(`${pad}${items[0]}${items.length > 1 ? separator : ""}`);
  }
  for (let i = 1; i < items.length; i++) {
    if (random.chance(0.08)) lines.push(`${pad}# ${sentence(random, 2, 6)}`);
    lines.push(`${pad}${items[i]}${i < items.length - 1 ? separator : ""}`);
  }
  return lines;
}

function commentBlock(random, minLines, maxLines) {
  const count = minLines + random.int(maxLines - minLines + 1);
  const lines = [];
  for (let i = 0; i < count; i++) lines.push(`# ${sentence(random, 3, 12)}`);
  return lines;
}

const RBL_SITES = [
  "zen.spamhaus.org",
  "bl.spamcop.net",
  "b.barracudacentral.org",
  "dnsbl.sorbs.net",
  "psbl.surriel.com",
  "bl.mailspike.net",
];

/**
 * The realistic part of a main.cf, about 300 lines: the settings a mail server
 * with TLS, SASL, virtual domains, milters and postscreen typically has.
 */
function realisticMainLines(random) {
  const host = `mx${1 + random.int(9)}.example.com`;
  const L = [];
  const blank = () => L.push("");
  const section = (title) => {
    blank();
    L.push("# " + "=".repeat(70));
    L.push(`# ${title}`);
    L.push("# " + "=".repeat(70));
    L.push(...commentBlock(random, 1, 4));
  };
  L.push("# See /usr/share/postfix/main.cf.dist for a commented, more complete version");
  L.push(...commentBlock(random, 3, 6));
  blank();

  section("Basics");
  L.push("compatibility_level = 3.7");
  L.push(`myhostname = ${host}`);
  L.push("mydomain = example.com");
  L.push("myorigin = $mydomain");
  L.push("mydestination = $myhostname, localhost.$mydomain, localhost");
  L.push("inet_interfaces = all");
  L.push("inet_protocols = all");
  L.push(
    ...continued(random, "mynetworks", [
      "127.0.0.0/8",
      "[::ffff:127.0.0.0]/104",
      "[::1]/128",
      ...Array.from({ length: 4 + random.int(6) }, () => {
        return `10.${random.int(256)}.${random.int(256)}.0/24`;
      }),
    ]),
  );
  L.push("relayhost = [smtp.relay.example.net]:587");
  L.push("alias_maps = hash:/etc/aliases");
  L.push("alias_database = hash:/etc/aliases");
  L.push("recipient_delimiter = +");
  L.push("mailbox_size_limit = 0");
  L.push(`message_size_limit = ${(10 + random.int(90)) * 1048576}`);
  L.push("biff = no");
  L.push("append_dot_mydomain = no");
  L.push("readme_directory = no");
  L.push("smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)");
  L.push("delay_warning_time = 4h");
  L.push(`maximal_queue_lifetime = ${1 + random.int(6)}d`);
  L.push(`bounce_queue_lifetime = ${1 + random.int(4)}d`);

  section("TLS, server side");
  L.push(`smtpd_tls_cert_file = /etc/letsencrypt/live/${host}/fullchain.pem`);
  L.push(`smtpd_tls_key_file = /etc/letsencrypt/live/${host}/privkey.pem`);
  L.push("smtpd_tls_security_level = may");
  L.push("smtpd_tls_auth_only = yes");
  L.push("smtpd_tls_loglevel = 1");
  L.push("smtpd_tls_received_header = yes");
  L.push("smtpd_tls_session_cache_database = btree:${data_directory}/smtpd_scache");
  L.push("smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1");
  L.push("smtpd_tls_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1");
  L.push("smtpd_tls_mandatory_ciphers = high");
  L.push(
    ...continued(
      random,
      "smtpd_tls_exclude_ciphers",
      ["aNULL", "eNULL", "EXPORT", "DES", "RC4", "MD5", "PSK", "aECDH", "EDH-DSS-DES-CBC3-SHA"],
      { inlineFirst: true },
    ),
  );
  L.push("tls_preempt_cipherlist = yes");
  L.push("tls_ssl_options = NO_COMPRESSION, NO_RENEGOTIATION");

  section("TLS, client side");
  L.push("smtp_tls_security_level = may");
  L.push("smtp_tls_CAfile = /etc/ssl/certs/ca-certificates.crt");
  L.push("smtp_tls_session_cache_database = btree:${data_directory}/smtp_scache");
  L.push("smtp_tls_loglevel = 1");
  L.push("smtp_tls_policy_maps = hash:/etc/postfix/tls_policy");
  L.push("smtp_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, !TLSv1.1");

  section("SASL");
  L.push("smtpd_sasl_auth_enable = yes");
  L.push("smtpd_sasl_type = dovecot");
  L.push("smtpd_sasl_path = private/auth");
  L.push("smtpd_sasl_security_options = noanonymous, noplaintext");
  L.push("smtpd_sasl_tls_security_options = noanonymous");
  L.push("broken_sasl_auth_clients = yes");
  L.push("smtp_sasl_auth_enable = yes");
  L.push("smtp_sasl_password_maps = hash:/etc/postfix/sasl_passwd");
  L.push("smtp_sasl_security_options = noanonymous");

  section("Restrictions");
  L.push(`rbl_primary = ${RBL_SITES[0]}`);
  L.push(`rbl_secondary = ${random.pick(RBL_SITES.slice(1))}`);
  L.push("smtpd_helo_required = yes");
  L.push(
    ...continued(random, "smtpd_helo_restrictions", [
      "permit_mynetworks",
      "permit_sasl_authenticated",
      "reject_invalid_helo_hostname",
      "reject_non_fqdn_helo_hostname",
    ]),
  );
  L.push(
    ...continued(random, "smtpd_client_restrictions", [
      "permit_mynetworks",
      "permit_sasl_authenticated",
      "check_client_access cidr:/etc/postfix/client_access.cidr",
      "reject_rbl_client $rbl_primary",
      "reject_rbl_client ${rbl_secondary}",
      "permit",
    ]),
  );
  L.push(
    ...continued(random, "smtpd_sender_restrictions", [
      "permit_mynetworks",
      "reject_non_fqdn_sender",
      "reject_unknown_sender_domain",
      "check_sender_access hash:/etc/postfix/sender_access",
    ]),
  );
  L.push(
    ...continued(random, "smtpd_relay_restrictions", [
      "permit_mynetworks",
      "permit_sasl_authenticated",
      "defer_unauth_destination",
    ]),
  );
  L.push(
    ...continued(random, "smtpd_recipient_restrictions", [
      "reject_non_fqdn_recipient",
      "reject_unknown_recipient_domain",
      "permit_mynetworks",
      "permit_sasl_authenticated",
      "reject_unauth_destination",
      "check_policy_service unix:private/policyd-spf",
      "check_recipient_access hash:/etc/postfix/recipient_access",
    ]),
  );
  L.push("smtpd_data_restrictions = reject_unauth_pipelining");
  L.push("policyd-spf_time_limit = 3600");

  section("Virtual domains");
  L.push("virtual_mailbox_domains = hash:/etc/postfix/virtual_domains");
  L.push("virtual_mailbox_maps = hash:/etc/postfix/virtual_mailboxes");
  L.push(
    ...continued(random, "virtual_alias_maps", [
      "hash:/etc/postfix/virtual",
      "regexp:/etc/postfix/virtual.regexp",
      "proxy:mysql:/etc/postfix/mysql-virtual-alias-maps.cf",
    ]),
  );
  L.push("virtual_transport = lmtp:unix:private/dovecot-lmtp");
  L.push("virtual_mailbox_base = /var/mail/vhosts");
  L.push("virtual_uid_maps = static:5000");
  L.push("virtual_gid_maps = static:5000");
  L.push("transport_maps = hash:/etc/postfix/transport");
  L.push("sender_dependent_relayhost_maps = hash:/etc/postfix/sender_relay");

  section("Milters");
  L.push("milter_default_action = accept");
  L.push("milter_protocol = 6");
  L.push("smtpd_milters = inet:localhost:8891, unix:/run/opendkim/opendkim.sock");
  L.push("non_smtpd_milters = $smtpd_milters");

  section("postscreen");
  L.push("postscreen_access_list = permit_mynetworks, cidr:/etc/postfix/postscreen_access.cidr");
  L.push("postscreen_blacklist_action = drop");
  L.push("postscreen_greet_action = enforce");
  L.push(
    ...continued(
      random,
      "postscreen_dnsbl_sites",
      RBL_SITES.map((site, i) => `${site}*${1 + ((i * 7) % 3)}`),
      { inlineFirst: false },
    ),
  );
  L.push("postscreen_dnsbl_threshold = 3");
  L.push("postscreen_dnsbl_action = enforce");

  section("Limits and checks");
  L.push(`smtpd_client_connection_rate_limit = ${10 + random.int(50)}`);
  L.push("anvil_rate_time_unit = 60s");
  L.push("default_process_limit = 100");
  L.push("smtpd_error_sleep_time = 1s");
  L.push("smtpd_soft_error_limit = 10");
  L.push("smtpd_hard_error_limit = 20");
  L.push("header_checks = regexp:/etc/postfix/header_checks");
  L.push("mime_header_checks = $header_checks");
  L.push("body_checks = regexp:/etc/postfix/body_checks");
  L.push("disable_vrfy_command = yes");
  L.push("smtputf8_enable = no");
  return L;
}

/** Known parameters a later section sometimes overrides (a duplicate with a new value). */
const OVERRIDES = [
  ["message_size_limit", () => String(20971520 * 2)],
  ["smtpd_tls_loglevel", () => "2"],
  ["smtp_tls_loglevel", () => "2"],
  ["delay_warning_time", () => "2h"],
  ["smtpd_client_connection_rate_limit", () => "100"],
  ["postscreen_dnsbl_threshold", () => "4"],
  ["default_process_limit", () => "200"],
];

/**
 * One machine-managed section of a large main.cf: a commented block of
 * user-defined parameters for one tenant, with continuations and $references.
 * Every name is referenced by another value (the section's profile lists the
 * others; a group parameter lists the profiles), so postconf accepts them all as
 * user-defined parameters instead of warning that they are unused.
 */
function tenantSection(random, n) {
  const t = `tenant${n}`;
  const domain = `example-${n}.net`;
  const L = [];
  L.push("");
  L.push("# " + "-".repeat(60));
  L.push(`# Tenant ${n}: ${domain} (ticket OPS-${1000 + random.int(9000)})`);
  if (random.chance(0.5)) L.push(`# ${sentence(random, 4, 12)}`);
  L.push("# " + "-".repeat(60));
  L.push(`${t}_domain = ${domain}`);
  L.push(`${t}_relayhost = [mx.${domain}]:${random.pick(["25", "587", "2525"])}`);
  const nets = Array.from({ length: 1 + random.int(4) }, () => {
    return `10.${n % 256}.${random.int(256)}.0/24`;
  });
  L.push(...continued(random, `${t}_networks`, nets, { comma: false }));
  L.push(
    ...continued(random, `${t}_restrictions`, [
      `check_sender_access hash:/etc/postfix/tenants/${n}/sender_access`,
      `check_client_access cidr:/etc/postfix/tenants/${n}/clients.cidr`,
      "permit_sasl_authenticated",
      random.pick(["reject", "defer", "permit"]),
    ]),
  );
  L.push(`${t}_banner = $myhostname ESMTP ${t} ($${t}_domain via $${t}_relayhost)`);
  const parts = [`$${t}_banner`, `$${t}_restrictions`, `$${t}_networks`];
  if (random.chance(0.3)) {
    L.push(`${t}_transport = smtp:$${t}_relayhost`);
    parts.push(`$${t}_transport`);
  }
  L.push(`${t}_profile = ${parts.join(", ")}`);
  if (random.chance(0.05)) {
    const [name, value] = random.pick(OVERRIDES);
    L.push(`# override for ${t}`);
    L.push(`${name} = ${value()}`);
  }
  return L;
}

const GROUP_SIZE = 50;

/** `tenant_group_K = $tenantA_profile, ...`: lists the profiles of up to 50 tenants. */
function groupLines(random, group, first, last) {
  const refs = [];
  for (let n = first; n <= last; n++) refs.push(`$tenant${n}_profile`);
  const rows = [];
  for (let i = 0; i < refs.length; i += 5) rows.push(refs.slice(i, i + 5).join(" "));
  return ["", ...continued(random, `tenant_group_${group}`, rows, { inlineFirst: false })];
}

/** A main.cf of exactly `lines` lines: the realistic part, then tenant sections. */
export function generateMain(lines, seed) {
  const random = createRandom(seed);
  const out = realisticMainLines(random);
  const groups = [];
  let pendingFrom = 1;
  // The closing lines: the last, partial group and the list of all groups.
  const closing = (lastTenant) => {
    const tail = [];
    let count = groups.length;
    if (lastTenant >= pendingFrom) {
      count++;
      tail.push(...groupLines(createRandom(seed), count, pendingFrom, lastTenant));
    }
    const names = Array.from({ length: count }, (_, i) => `$tenant_group_${i + 1}`);
    if (count > 0) {
      const rows = [];
      for (let i = 0; i < names.length; i += 6) rows.push(names.slice(i, i + 6).join(" "));
      tail.push("", "# Every tenant, for the provisioning scripts", `tenant_groups =`);
      tail.push(...rows.map((row) => `    ${row}`));
    }
    return tail;
  };
  for (let n = 1; ; n++) {
    const section = tenantSection(random, n);
    if (out.length + section.length + closing(n).length > lines - 3) {
      out.push(...closing(n - 1));
      break;
    }
    out.push(...section);
    if (n - pendingFrom + 1 === GROUP_SIZE) {
      groups.push(n);
      out.push(...groupLines(random, groups.length, pendingFrom, n));
      pendingFrom = n + 1;
    }
  }
  while (out.length < lines) out.push(out.length % 2 ? "" : `# ${sentence(random, 3, 9)}`);
  return out.slice(0, lines).join("\n") + "\n";
}

/** A master.cf of about `lines` lines: Debian's entries, then per-tenant services. */
export function generateMaster(lines, seed, debianMaster) {
  const random = createRandom(seed);
  const out = debianMaster.replace(/\n+$/, "").split("\n");
  const row = (fields) =>
    fields.map((field, i) => (i < 7 ? field.padEnd(i === 0 ? 10 : 8) : field)).join("");
  for (let n = 1; out.length < lines; n++) {
    out.push("");
    out.push(`# tenant ${n}: outbound relay, inbound port, content filter`);
    out.push(row([`relay${n}`, "unix", "-", "-", "y", "-", "-", "smtp"]));
    out.push(`  -o smtp_helo_name=mx.example-${n}.net`);
    out.push(`  -o smtp_bind_address=10.${n % 256}.0.1`);
    out.push(`  -o syslog_name=postfix/relay${n}`);
    out.push(row([String(10000 + n), "inet", "n", "-", "y", "-", String(random.int(50)), "smtpd"]));
    out.push(`  -o syslog_name=postfix/in${n}`);
    out.push(`  -o smtpd_tls_security_level=${random.pick(["may", "encrypt"])}`);
    if (random.chance(0.3)) out.push("  # only our own networks may relay here");
    out.push(`  -o { smtpd_client_restrictions = permit_mynetworks, reject }`);
    out.push(`  -o content_filter=filter${n}:dummy`);
    out.push(row([`filter${n}`, "unix", "-", "n", "n", "-", "10", "pipe"]));
    out.push(
      `  flags=Rq user=filter argv=/usr/local/bin/filter${n} -f \${sender} -- \${recipient}`,
    );
  }
  return out.slice(0, lines).join("\n") + "\n";
}

/**
 * The `-o` lines of the scaling workloads: built-in smtpd settings in a cycle of
 * eight, plain and `{ ... }`, some with `$references`; values vary with `i`.
 */
function optionLine(i) {
  switch (i % 8) {
    case 0:
      return `  -o syslog_name=postfix/in${i}`;
    case 1:
      return `  -o smtpd_tls_security_level=${i % 3 ? "may" : "encrypt"}`;
    case 2:
      return `  -o { smtpd_banner = $myhostname ESMTP gateway ${i} }`;
    case 3:
      return `  -o smtpd_client_restrictions=check_client_access,cidr:/etc/postfix/clients/${i}.cidr,permit_mynetworks,reject`;
    case 4:
      return `  -o smtpd_client_connection_count_limit=${1 + (i % 50)}`;
    case 5:
      return `  -o milter_macro_daemon_name=ORIGINATING`;
    case 6:
      return `  -o { smtpd_recipient_restrictions = permit_mynetworks, check_recipient_access hash:/etc/postfix/rcpt/${i}, reject_unauth_destination }`;
    default:
      return `  -o content_filter=filter${i}:[127.0.0.1]:${10025 + (i % 100)}`;
  }
}

/**
 * A master.cf of `options` `-o` lines under smtpd services of `perService`
 * options each (all in one service when `perService` is at least `options`).
 */
export function generateMasterOptions(options, perService = options) {
  const lines = [];
  for (let i = 0; i < options; i++) {
    if (i % perService === 0) {
      const port = 10000 + i / perService;
      lines.push(`${port}     inet  n       -       y       -       -       smtpd`);
    }
    lines.push(optionLine(i));
  }
  return lines.join("\n") + "\n";
}

/** A master.cf of `services` smtp client services, each with one `-o` line. */
export function generateMasterServices(services) {
  const lines = [];
  for (let i = 0; i < services; i++) {
    lines.push(`relay${i}    unix  -       -       y       -       -       smtp`);
    lines.push(`  -o syslog_name=postfix/relay${i}`);
  }
  return lines.join("\n") + "\n";
}
