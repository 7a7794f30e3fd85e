import { parameterDoc } from "./data/docs";
import {
  type PostfixVersion,
  allParameters,
  isBuiltinParameter,
  isKnownParameter,
  warnsAsDeprecated,
} from "./data/parameters";
import { parameterMarkdown, releaseDefaultSummary } from "./hover";

/** One row of the "Look up parameter" list. */
export interface ParameterSummary {
  name: string;
  /** Short facts: type and default. */
  description: string;
  deprecated: boolean;
  /** True when we have hand-written docs for it. */
  documented: boolean;
}

/** Every parameter of a release, for a searchable list. */
export function listParameters(version: PostfixVersion): ParameterSummary[] {
  return allParameters()
    .filter((facts) => isKnownParameter(facts.name, version))
    .map((facts) => {
      const value = releaseDefaultSummary(facts.name, version);
      return {
        name: facts.name,
        description: [facts.type, value === undefined ? undefined : `default: ${value}`]
          .filter(Boolean)
          .join(" · "),
        // As the release sees it: postconf warns, or keeps it only as an old name.
        deprecated:
          warnsAsDeprecated(facts.name, version) || !isBuiltinParameter(facts.name, version),
        documented: parameterDoc(facts.name) !== undefined,
      };
    });
}

/** The full reference page for one parameter, as Markdown. */
export function parameterReference(name: string, version: PostfixVersion): string {
  return `# ${name}\n\n${parameterMarkdown(name, version, undefined)}\n`;
}
