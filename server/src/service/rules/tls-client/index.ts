import type { Rule } from "../rule";
import anullExcluded from "./tls-client-anull-excluded";
import caUnused from "./tls-client-ca-unused";
import certUnneeded from "./tls-client-cert-unneeded";
import compatLevelOverride from "./tls-client-compat-level-override";
import daneTlsv1Excluded from "./tls-client-dane-tlsv1-excluded";
import daneWithoutDnssec from "./tls-client-dane-without-dnssec";
import fingerprintWithoutMatch from "./tls-client-fingerprint-without-match";
import legacyOverridden from "./tls-client-legacy-overridden";
import mandatoryInternetDefault from "./tls-client-mandatory-internet-default";
import mandatoryUnused from "./tls-client-mandatory-unused";
import opportunisticTooStrict from "./tls-client-opportunistic-too-strict";
import rpkFingerprint from "./tls-client-rpk-fingerprint";
import saslOptionalTls from "./tls-client-sasl-optional-tls";
import servernameLiteral from "./tls-client-servername-literal";
import smtpsWithoutWrappermode from "./tls-client-smtps-without-wrappermode";
import verifyWithoutCa from "./tls-client-verify-without-ca";
import wrappermodeLevel from "./tls-client-wrappermode-level";
import dsaCertificate from "./tls-dsa-certificate";
import ignoredParameter from "./tls-ignored-parameter";
import lmtpUnixOpportunistic from "./tls-lmtp-unix-opportunistic";

/** The TLS client family, in the order the README lists it. */
export const tlsClientRules: readonly Rule[] = [
  legacyOverridden,
  compatLevelOverride,
  ignoredParameter,
  mandatoryUnused,
  opportunisticTooStrict,
  anullExcluded,
  daneTlsv1Excluded,
  caUnused,
  verifyWithoutCa,
  mandatoryInternetDefault,
  daneWithoutDnssec,
  fingerprintWithoutMatch,
  rpkFingerprint,
  wrappermodeLevel,
  smtpsWithoutWrappermode,
  saslOptionalTls,
  lmtpUnixOpportunistic,
  certUnneeded,
  dsaCertificate,
  servernameLiteral,
];
