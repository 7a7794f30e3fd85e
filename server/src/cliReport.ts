/**
 * postfix-lint's output formats: text (one line per problem), json, SARIF 2.1.0
 * for code-scanning tools, and GitHub Actions workflow commands.
 */

import { pathToFileURL } from "node:url";
import { PACKAGE_VERSION, ruleDocsUrl } from "./service/data/packageInfo";
import { pageOf } from "./service/rules/rulePage";
import { RULES } from "./service/rules/ruleTable";

export type OutputFormat = "text" | "json" | "sarif" | "github";
export const OUTPUT_FORMATS: readonly OutputFormat[] = ["text", "json", "sarif", "github"];

/** A span in 1-based lines and columns (UTF-16 code units, as LSP and SARIF count). */
export interface ReportedRegion {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface ReportedDiagnostic extends ReportedRegion {
  severity: "error" | "warning" | "info" | "hint";
  code: string;
  message: string;
  /** The rule's quick-fix, as replacements in the same file. */
  fix?: { title: string; edits: (ReportedRegion & { newText: string })[] };
}

export interface ReportedFile {
  path: string;
  diagnostics: ReportedDiagnostic[];
}

/** What the report says about the run: the Postfix release checked against. */
export interface RunFacts {
  postfix?: { line: string; release: string; origin: string };
  /** The same in one sentence, for SARIF's invocation notes. */
  assumption?: string;
}

export function renderReport(
  format: OutputFormat,
  files: ReportedFile[],
  { postfix, assumption }: RunFacts = {},
): string {
  switch (format) {
    case "json":
      return (
        JSON.stringify({ ...(postfix ? { postfix } : {}), files: files.map(withoutFixes) }) + "\n"
      );
    case "sarif":
      return JSON.stringify(sarifLog(files, assumption), null, 2) + "\n";
    case "github":
      return files.flatMap(githubCommands).join("");
    case "text":
      return files
        .flatMap((file) =>
          file.diagnostics.map(
            (d) => `${file.path}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]\n`,
          ),
        )
        .join("");
  }
}

/** The json format predates fixes in the report; its shape stays as it was. */
function withoutFixes(file: ReportedFile): ReportedFile {
  return { path: file.path, diagnostics: file.diagnostics.map(({ fix: _fix, ...rest }) => rest) };
}

// ---------------------------------------------------------------------------
// SARIF 2.1.0

const SARIF_LEVEL = { error: "error", warning: "warning", info: "note", hint: "note" } as const;

function sarifLog(files: ReportedFile[], assumption?: string) {
  const ruleIndex = new Map(RULES.map((rule, index) => [rule.id, index]));
  return {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "postfix-lint",
            version: PACKAGE_VERSION,
            rules: RULES.map((rule) => {
              const helpUri = ruleDocsUrl(rule.id);
              return {
                id: rule.id,
                shortDescription: { text: rule.description },
                help: { text: rule.description, markdown: pageOf(rule.id) },
                ...(helpUri ? { helpUri } : {}),
                defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
                properties: { pitfalls: rule.pitfalls ?? [] },
              };
            }),
          },
        },
        columnKind: "utf16CodeUnits",
        ...(assumption
          ? {
              invocations: [
                {
                  executionSuccessful: true,
                  toolExecutionNotifications: [{ message: { text: assumption }, level: "note" }],
                },
              ],
            }
          : {}),
        results: files.flatMap((file) =>
          file.diagnostics.map((d) => {
            const uri = artifactUri(file.path);
            const index = ruleIndex.get(d.code);
            return {
              ruleId: d.code,
              ...(index === undefined ? {} : { ruleIndex: index }),
              level: SARIF_LEVEL[d.severity],
              message: { text: d.message },
              locations: [
                { physicalLocation: { artifactLocation: { uri }, region: sarifRegion(d) } },
              ],
              ...(d.fix
                ? {
                    fixes: [
                      {
                        description: { text: d.fix.title },
                        artifactChanges: [
                          {
                            artifactLocation: { uri },
                            replacements: d.fix.edits.map((edit) => ({
                              deletedRegion: sarifRegion(edit),
                              insertedContent: { text: edit.newText },
                            })),
                          },
                        ],
                      },
                    ],
                  }
                : {}),
            };
          }),
        ),
      },
    ],
  };
}

function sarifRegion(region: ReportedRegion) {
  return {
    startLine: region.line,
    startColumn: region.column,
    endLine: region.endLine,
    endColumn: region.endColumn,
  };
}

/** A relative path stays relative (to the working directory); an absolute one becomes a file URI. */
function artifactUri(path: string): string {
  if (path.startsWith("/")) return pathToFileURL(path).href;
  return path.split("/").map(encodeURIComponent).join("/");
}

// ---------------------------------------------------------------------------
// GitHub Actions workflow commands

const GITHUB_COMMAND = { error: "error", warning: "warning", info: "notice", hint: "notice" };

function githubCommands(file: ReportedFile): string[] {
  return file.diagnostics.map((d) => {
    const properties = [
      `file=${escapeProperty(file.path)}`,
      `line=${d.line}`,
      `col=${d.column}`,
      `endLine=${d.endLine}`,
      `endColumn=${d.endColumn}`,
      `title=${escapeProperty(d.code)}`,
    ].join(",");
    return `::${GITHUB_COMMAND[d.severity]} ${properties}::${escapeData(d.message)}\n`;
  });
}

/** The runner's escaping of a command's message. */
function escapeData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** The runner's escaping of a property value, which also may not hold ':' or ','. */
function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/** `--list-rules`: every rule, as a table or as JSON. */
export function renderRuleList(format: OutputFormat): string {
  const rows = RULES.map((rule) => ({
    id: rule.id,
    severity: rule.severity,
    pitfalls: rule.pitfalls ?? [],
    fixable: rule.fixable,
    safeFix: rule.safeFix === true,
    description: rule.description,
  }));
  if (format === "json") return JSON.stringify({ rules: rows }, null, 2) + "\n";
  const width = Math.max(...rows.map((row) => row.id.length));
  return rows
    .map(
      (row) =>
        `${row.id.padEnd(width)}  ${row.severity.padEnd(7)}  ${row.safeFix ? "safe" : row.fixable ? "fix " : "    "}  ${row.pitfalls.join(",")}`.trimEnd() +
        "\n",
    )
    .join("");
}
