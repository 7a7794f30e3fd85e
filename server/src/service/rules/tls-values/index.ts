import type { Rule } from "../rule";
import tlsCipherGradeInvalid from "./tls-cipher-grade-invalid";
import tlsCipherGradeNull from "./tls-cipher-grade-null";
import tlsCipherGradeObsolete from "./tls-cipher-grade-obsolete";
import tlsCipherlistChanged from "./tls-cipherlist-changed";
import tlsConfigFileCustom from "./tls-config-file-custom";
import tlsConfigFileInvalid from "./tls-config-file-invalid";
import tlsDaneDigestsNoSha256 from "./tls-dane-digests-no-sha256";
import tlsExcludeCipherPrefix from "./tls-exclude-cipher-prefix";
import tlsFingerprintDigestImplicitMd5 from "./tls-fingerprint-digest-implicit-md5";
import tlsFingerprintDigestWeak from "./tls-fingerprint-digest-weak";
import tlsFingerprintLength from "./tls-fingerprint-length";
import tlsGroupsMissingRecommended from "./tls-groups-missing-recommended";
import tlsLevelInvalid from "./tls-level-invalid";
import tlsLoglevelHigh from "./tls-loglevel-high";
import tlsLoglevelTrace from "./tls-loglevel-trace";
import tlsLoglevelVerbose from "./tls-loglevel-verbose";
import tlsProtocolBoundSpaced from "./tls-protocol-bound-spaced";
import tlsProtocolsAllowSsl from "./tls-protocols-allow-ssl";
import tlsProtocolsGap from "./tls-protocols-gap";
import tlsProtocolsInvalid from "./tls-protocols-invalid";
import tlsServerCacheDatabase from "./tls-server-cache-database";
import tlsServerCacheDbm from "./tls-server-cache-dbm";
import tlsSessionCacheTimeoutIneffective from "./tls-session-cache-timeout-ineffective";
import tlsSessionCacheTimeoutTooLong from "./tls-session-cache-timeout-too-long";

/** The tls-values family, in the order the README lists it. */
export const tlsValuesRules: readonly Rule[] = [
  tlsServerCacheDatabase,
  tlsServerCacheDbm,
  tlsLevelInvalid,
  tlsCipherGradeInvalid,
  tlsProtocolsInvalid,
  tlsProtocolBoundSpaced,
  tlsProtocolsGap,
  tlsProtocolsAllowSsl,
  tlsExcludeCipherPrefix,
  tlsCipherGradeNull,
  tlsCipherGradeObsolete,
  tlsCipherlistChanged,
  tlsSessionCacheTimeoutTooLong,
  tlsSessionCacheTimeoutIneffective,
  tlsFingerprintLength,
  tlsFingerprintDigestWeak,
  tlsFingerprintDigestImplicitMd5,
  tlsDaneDigestsNoSha256,
  tlsLoglevelVerbose,
  tlsLoglevelHigh,
  tlsLoglevelTrace,
  tlsConfigFileCustom,
  tlsConfigFileInvalid,
  tlsGroupsMissingRecommended,
];
