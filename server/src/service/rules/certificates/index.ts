import type { Rule } from "../rule";
import certificateExpired from "./certificate-expired";
import certificateExpiring from "./certificate-expiring";
import certificateHostname from "./certificate-hostname";
import certificateReload from "./certificate-reload";
import hostFilesNotChecked from "./host-files-not-checked";
import certificateWeak from "./certificate-weak";
import tlsCaFile from "./tls-ca-file";
import tlsCaNoAuthority from "./tls-ca-no-authority";
import tlsChainIncomplete from "./tls-chain-incomplete";
import tlsChainOrder from "./tls-chain-order";
import tlsFileContent from "./tls-file-content";
import tlsFileRelative from "./tls-file-relative";
import tlsFileUnreadable from "./tls-file-unreadable";
import tlsKeyEncrypted from "./tls-key-encrypted";
import tlsKeyMismatch from "./tls-key-mismatch";
import tlsKeyPermissions from "./tls-key-permissions";

/** The certificates family (host files), in the order the README lists it. */
export const certificateRules: readonly Rule[] = [
  tlsFileUnreadable,
  tlsFileRelative,
  tlsFileContent,
  tlsKeyEncrypted,
  tlsKeyMismatch,
  tlsChainOrder,
  tlsChainIncomplete,
  certificateExpired,
  certificateExpiring,
  certificateReload,
  certificateWeak,
  certificateHostname,
  tlsKeyPermissions,
  tlsCaFile,
  tlsCaNoAuthority,
  hostFilesNotChecked,
];
