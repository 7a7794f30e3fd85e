import {
  compareVersions,
  getParameter,
  isKnownParameter,
  warnsAsDeprecated,
} from "../../data/parameters";
import { defineRule } from "../rule";
import { removeSetting, settingSpan } from "./shared";

/** Parameters that postconf still knows but the daemons no longer read, by release. */
const IGNORED: { names: string[]; since: string; why: string }[] = [
  {
    names: [
      "smtpd_tls_dh512_param_file",
      "tlsproxy_tls_dh512_param_file",
      "postscreen_tls_dh512_param_file",
    ],
    since: "3.6",
    why: "512-bit (export-grade) DH key exchange is gone, so the file is never read",
  },
  {
    names: [
      "smtpd_tls_eecdh_grade",
      "tlsproxy_tls_eecdh_grade",
      "postscreen_tls_eecdh_grade",
      "tls_eecdh_strong_curve",
      "tls_eecdh_ultra_curve",
    ],
    since: "3.6",
    why: "ECDHE always uses the curves in tls_eecdh_auto_curves",
  },
  {
    names: ["tls_low_cipherlist", "tls_export_cipherlist"],
    since: "3.8",
    why: 'the "low" and "export" cipher grades are treated as "medium"',
  },
];

export default defineRule({
  meta: {
    id: "tls-ignored-parameter",
    severity: "info",
    description:
      "A DH-512, EECDH or low/export cipher-list parameter that the configured release no longer reads.",
    pitfalls: ["P15"],
    fixable: true,
    files: ["main", "master"],
    since: "3.6",
  },
  docs: {
    why: "Postfix 3.6 dropped export-grade 512-bit DH parameters and the fixed EECDH curve grades (ECDHE always takes its curves from `tls_eecdh_auto_curves`); 3.8 made the low and export cipher grades mean medium. The old parameters are still accepted, so postconf does not complain, but nothing reads them any more. Keeping them suggests a tuning that no longer happens. Names that postconf already warns about are left to `deprecated-parameter` and `removed-parameter`.",
    fires: [
      {
        note: "A DH-512 parameter file that Postfix 3.6 and later never open.",
        main: "smtpd_tls_dh512_param_file = /etc/postfix/dh512.pem\nrelayhost = [relay.example.com]\n",
        fixed: { main: "relayhost = [relay.example.com]\n" },
      },
      {
        note: "The low grade is the medium grade since 3.8.",
        version: "3.8",
        main: "tls_low_cipherlist = ALL\n",
      },
      {
        note: "An -o on a tlsproxy service is removed with its line.",
        master:
          "tlsproxy  unix  -       -       n       -       0       tlsproxy\n" +
          "  -o tlsproxy_tls_dh512_param_file=/etc/postfix/dh512.pem\n" +
          "  -o syslog_name=postfix/tlsproxy\n",
        fixed: {
          master:
            "tlsproxy  unix  -       -       n       -       0       tlsproxy\n" +
            "  -o syslog_name=postfix/tlsproxy\n",
        },
      },
    ],
    silent: [
      {
        note: "Postfix 3.5 still reads the DH-512 file.",
        version: "3.5",
        main: "smtpd_tls_dh512_param_file = /etc/postfix/dh512.pem\n",
      },
      {
        note: "Postfix 3.7 still has its own low grade.",
        version: "3.7",
        main: "tls_low_cipherlist = ALL\n",
      },
    ],
    fix: "Removes the setting: the main.cf line, or the `-o` option in master.cf. It is safe for the configured release, which does not read the parameter. If the same files also serve an older Postfix that still reads it, keep it.",
  },
  *check(context) {
    const version = context.version;
    for (const source of context.settingsNamed(IGNORED.flatMap((group) => group.names))) {
      const name = source.setting.name.text;
      const group = IGNORED.find((candidate) => candidate.names.includes(name));
      if (!group || compareVersions(version, group.since) < 0) continue;
      // deprecated-parameter and removed-parameter already report these.
      if (!isKnownParameter(name, version) || warnsAsDeprecated(name, version)) continue;
      if (getParameter(name)?.status === "removed") continue;
      const edit = removeSetting(context, source);
      yield {
        file: source.file,
        ...settingSpan(source.setting),
        message: `${name} has no effect since Postfix ${group.since}: ${group.why}. Remove the setting.`,
        ...(edit && { fix: { title: `Remove ${name}`, edits: [edit] } }),
      };
    }
  },
});
