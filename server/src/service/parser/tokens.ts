import type { Span } from "./logicalLines";

/** A piece of source text: its text as Postfix sees it, and where it stands. */
export interface Token extends Span {
  text: string;
}
