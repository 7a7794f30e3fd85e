import type { ConfigKind } from "../parser/document";
import type { Span } from "../parser/logicalLines";
import type { RuleId } from "./ruleTable";

/** A text replacement, in document offsets of the file the finding is in. */
export interface FixEdit extends Span {
  newText: string;
}

/** The one right repair of a finding, offered as a quick-fix. */
export interface Fix {
  title: string;
  edits: FixEdit[];
}

/** A problem found by a rule, in document offsets. */
export interface Finding extends Span {
  rule: RuleId;
  message: string;
  /** The file the offsets refer to, when a rule looks at both files; default: the one validated. */
  file?: ConfigKind;
  fix?: Fix;
}
