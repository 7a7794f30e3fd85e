// Parameters that a Postfix release dropped in favour of another one, written
// by hand: postconf's deprecation table (3.9+, in parameters.generated.json)
// only knows the recent ones. Each entry says where the fact was read in the
// Postfix source (vdukhovni/postfix, HEAD unless a tag is given); the wording
// here is ours. Only names the generated data marks as removed belong here.

export interface Rename {
  /** The parameter to set instead. */
  replacement: string;
  /**
   * True when the old value means the same under the new name, so a quick-fix
   * may carry it over; false when the new parameter takes a different kind of
   * value and the setting must be rewritten by hand.
   */
  sameValue: boolean;
}

export const RENAMED_PARAMETERS: Readonly<Record<string, Rename>> = Object.freeze({
  // HISTORY 20051219 (Postfix 2.3): the SASL plug-in API gained the generic
  // smtpd_sasl_path; with Cyrus SASL it is the same application name.
  smtpd_sasl_application_name: { replacement: "smtpd_sasl_path", sameValue: true },
  // global/mail_params.h at v2.2.12 vs v2.3.0: VAR_SCACHE_SERVICE changed its
  // name from connection_cache_service to connection_cache_service_name.
  connection_cache_service: { replacement: "connection_cache_service_name", sameValue: true },
  // RELEASE_NOTES-2.3, [Incompat 20051026]: a limit on deliveries per
  // connection gave way to a time limit on connection reuse.
  smtp_connection_cache_reuse_limit: {
    replacement: "smtp_connection_reuse_time_limit",
    sameValue: false,
  },
  // proto/postconf.proto, sender_based_routing: superseded in Postfix 2.3 by
  // per-sender relay host lookup tables.
  sender_based_routing: { replacement: "sender_dependent_relayhost_maps", sameValue: false },
  // proto/postconf.proto, tlsproxy_tls_session_cache_timeout: tlsproxy shares
  // the SMTP server's session cache, and with it that cache's timeout.
  tlsproxy_tls_session_cache_timeout: {
    replacement: "smtpd_tls_session_cache_timeout",
    sameValue: true,
  },
  // HISTORY 19981228 and 20020821: program_directory was split into
  // daemon_directory and command_directory; the daemons use daemon_directory.
  program_directory: { replacement: "daemon_directory", sameValue: false },
});
