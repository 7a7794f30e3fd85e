import type { Rule } from "../rule";
import proxyTableNotAllowed from "./proxy-table-not-allowed";
import tableCidrSyntax from "./table-cidr-syntax";
import tableIndexMissing from "./table-index-missing";
import tableIndexStale from "./table-index-stale";
import tableIndexWithoutSource from "./table-index-without-source";
import tableInlineSyntax from "./table-inline-syntax";
import tableRegexpSyntax from "./table-regexp-syntax";
import tableSourceMissing from "./table-source-missing";
import tableTypeDeprecated from "./table-type-deprecated";
import tableTypeUnknown from "./table-type-unknown";

/**
 * The tables family: lookup table references, their types and proxymap's allow
 * lists; with file checks on, the table files on the host.
 */
export const tableRules: readonly Rule[] = [
  tableTypeUnknown,
  tableTypeDeprecated,
  proxyTableNotAllowed,
  tableInlineSyntax,
  tableSourceMissing,
  tableIndexMissing,
  tableIndexStale,
  tableIndexWithoutSource,
  tableCidrSyntax,
  tableRegexpSyntax,
];
