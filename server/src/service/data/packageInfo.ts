import packageJson from "../../../../package.json";

const manifest: { version: string; repository?: unknown } = packageJson;

/** The release of postfix-lsp, from package.json (bundled in at build time). */
export const PACKAGE_VERSION = manifest.version;

/**
 * Where each rule's page is published: the repository's docs/rules/ folder, when
 * package.json names a repository on GitHub; otherwise none (pages are still
 * bundled and shown by `postfix-lint --explain` and the editor).
 */
export function ruleDocsUrl(id: string): string | undefined {
  const url = repositoryUrl(manifest.repository);
  return url && `${url}/blob/HEAD/docs/rules/${encodeURIComponent(id)}.md`;
}

/** The https URL of a GitHub repository as package.json names it, else undefined. */
export function repositoryUrl(value: unknown): string | undefined {
  const raw = typeof value === "string" ? value : (value as { url?: unknown } | undefined)?.url;
  if (typeof raw !== "string") return undefined;
  const match = /^(?:git\+)?(https:\/\/github\.com\/[\w.-]+\/[\w.-]+?)(?:\.git)?\/?$/.exec(raw);
  return match?.[1];
}
