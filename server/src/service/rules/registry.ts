/**
 * Every rule module, family by family. A family's index lists its rules; adding a
 * rule means adding its module and one line there. Nothing else lists rules.
 */

import type { Rule } from "./rule";
import { domainRules } from "./domains";
import { relayRules } from "./relay";
import { startupRules } from "./startup";

export const RULE_MODULES: readonly Rule[] = [...startupRules, ...relayRules, ...domainRules];
