import type { ConfigKind } from "./parser/document";

/**
 * The file kind from the LSP languageId, or else from the file name (Neovim, for
 * example, calls main.cf "pfmain").
 */
export function configKindOf(languageId: string, uri: string): ConfigKind | undefined {
  if (languageId === "postfix-main") return "main";
  if (languageId === "postfix-master") return "master";
  const fileName = decodeURIComponent(uri.slice(uri.lastIndexOf("/") + 1));
  if (/^main\.cf(\.proto)?$/.test(fileName)) return "main";
  if (/^master\.cf(\.proto)?$/.test(fileName)) return "master";
  if (languageId === "pfmain") return "main";
  return undefined;
}
