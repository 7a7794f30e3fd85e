/**
 * The shape of a rule module: `rules/<family>/<rule-id>.ts` exports one `Rule`,
 * made with defineRule(). The module holds everything about the rule: its
 * metadata, its documentation (whose examples run as tests), its check and its fix.
 * Helpers shared by a family live in `rules/<family>/shared.ts`.
 */

import type { PostfixVersion } from "../data/parameters";
import type { ExampleHostFile, HostFileRequest } from "../hostFiles";
import type { ConfigKind } from "../parser/document";
import type { RuleContext } from "./context";
import type { Finding } from "./findings";
import type { RuleDefinition } from "./ruleDefinition";

export interface RuleMeta extends RuleDefinition {
  /** Whether the rule offers a quick-fix (for some of its findings at least). */
  fixable: boolean;
  /** The files the rule reports on; validation skips it for the others. */
  files: readonly ConfigKind[];
  /** The first release the rule applies to, where that depends on the release. */
  since?: PostfixVersion;
  /** The last release the rule applies to. */
  until?: PostfixVersion;
}

/** A configuration shown in a rule's documentation; it is also a test case. */
export interface RuleExample {
  main?: string;
  master?: string;
  /** The release the example is checked against; default: the newest. */
  version?: PostfixVersion;
  /** What the example shows, in one sentence. */
  note?: string;
  /** Host files the example needs (certificates, keys), by absolute path; made by the tests. */
  host?: Record<string, ExampleHostFile>;
  /**
   * For an example that fires: the files after the first finding's quick-fix.
   * Only the files the fix changes are given.
   */
  fixed?: { main?: string; master?: string };
}

export interface RuleDocs {
  /** Why it matters: what Postfix does with such a configuration (Markdown, our words). */
  why: string;
  /** Configurations the rule reports; each must produce at least one finding. */
  fires: RuleExample[];
  /** Configurations the rule must stay silent on. */
  silent: RuleExample[];
  /** What the quick-fix does, and when applying it is not safe. Required when fixable. */
  fix?: string;
}

/** A finding as a rule reports it: the rule id is added by the registry. */
export type RuleFinding = Omit<Finding, "rule" | "file"> & { file: ConfigKind };

export interface Rule {
  meta: RuleMeta;
  docs: RuleDocs;
  /**
   * The findings in the whole configuration (both files). Absent for the few
   * findings that the file reader or validation itself reports; their modules
   * then only document them.
   */
  check?(context: RuleContext): Iterable<RuleFinding>;
  /**
   * The host files the check needs (certificates, tables). The caller reads them,
   * when file checks are on, and the check finds them in `context.host`.
   */
  hostFiles?(context: RuleContext): Iterable<HostFileRequest>;
}

/** Declares a rule module (an identity function that checks the shape). */
export function defineRule(rule: Rule): Rule {
  return rule;
}

/**
 * A per-configuration memo for work a family's rules share (effective TLS per
 * service, evaluated values): computed once per rule context, dropped with it.
 */
export function perContext<T>(compute: (context: RuleContext) => T): (context: RuleContext) => T {
  const memo = new WeakMap<RuleContext, T>();
  return (context) => {
    if (!memo.has(context)) memo.set(context, compute(context));
    return memo.get(context)!;
  };
}
