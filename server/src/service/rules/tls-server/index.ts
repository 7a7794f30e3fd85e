import type { Rule } from "../rule";
import askCcertOnPort25 from "./ask-ccert-on-port-25";
import chainFilesWithLegacyCertificates from "./chain-files-with-legacy-certificates";
import clientCertsFromPublicCas from "./client-certs-from-public-cas";
import clientLevelOnServer from "./client-level-on-server";
import daneLevelOnServer from "./dane-level-on-server";
import inetServiceName from "./inet-service-name";
import inetServicePrivate from "./inet-service-private";
import mandatoryTlsOnPort25 from "./mandatory-tls-on-port-25";
import noplaintextBlocksTlsAuth from "./noplaintext-blocks-tls-auth";
import postscreenTlsOverridesMissing from "./postscreen-tls-overrides-missing";
import reqCcertWithoutMandatoryTls from "./req-ccert-without-mandatory-tls";
import saslAuthBeforeTls from "./sasl-auth-before-tls";
import saslAuthNeverOffered from "./sasl-auth-never-offered";
import saslOptionsWithoutNoanonymous from "./sasl-options-without-noanonymous";
import serverCertificateNone from "./server-certificate-none";
import serverCertificateUnused from "./server-certificate-unused";
import serverKeyFileDefault from "./server-key-file-default";
import serverTlsWithoutCertificate from "./server-tls-without-certificate";
import tlsServerAnullExcluded from "./tls-server-anull-excluded";
import tlsServerLegacyOverridden from "./tls-server-legacy-overridden";
import tlsServerMandatoryUnused from "./tls-server-mandatory-unused";
import tlsmgrServiceMissing from "./tlsmgr-service-missing";
import tlsmgrSettingInMasterCf from "./tlsmgr-setting-in-master-cf";
import tlsproxyServiceMissing from "./tlsproxy-service-missing";
import wrappermodeInMainCf from "./wrappermode-in-main-cf";
import submissionsWithoutWrappermode from "./submissions-without-wrappermode";

/** The server-side TLS family, in the order the README lists it. */
export const tlsServerRules: readonly Rule[] = [
  mandatoryTlsOnPort25,
  wrappermodeInMainCf,
  submissionsWithoutWrappermode,
  reqCcertWithoutMandatoryTls,
  serverTlsWithoutCertificate,
  serverCertificateNone,
  serverKeyFileDefault,
  chainFilesWithLegacyCertificates,
  clientLevelOnServer,
  daneLevelOnServer,
  saslAuthBeforeTls,
  saslAuthNeverOffered,
  saslOptionsWithoutNoanonymous,
  noplaintextBlocksTlsAuth,
  tlsmgrSettingInMasterCf,
  tlsproxyServiceMissing,
  postscreenTlsOverridesMissing,
  clientCertsFromPublicCas,
  askCcertOnPort25,
  tlsmgrServiceMissing,
  serverCertificateUnused,
  tlsServerLegacyOverridden,
  tlsServerMandatoryUnused,
  tlsServerAnullExcluded,
  inetServicePrivate,
  inetServiceName,
];
