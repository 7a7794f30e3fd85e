/**
 * Every rule module, family by family. A family's index lists its rules; adding a
 * rule means adding its module and one line there. Nothing else lists rules.
 */

import { parametersRules } from "./parameters";
import type { Rule } from "./rule";
import { certificateRules } from "./certificates";
import { domainRules } from "./domains";
import { relayRules } from "./relay";
import { startupRules } from "./startup";
import { syntaxRules } from "./syntax";
import { tableRules } from "./tables";
import { tlsClientRules } from "./tls-client";
import { tlsServerRules } from "./tls-server";
import { tlsValuesRules } from "./tls-values";

export const RULE_MODULES: readonly Rule[] = [
  ...syntaxRules,
  ...parametersRules,
  ...tlsValuesRules,
  ...tlsServerRules,
  ...tlsClientRules,
  ...startupRules,
  ...certificateRules,
  ...relayRules,
  ...domainRules,
  ...tableRules,
];
