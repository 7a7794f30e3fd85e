import { doRename } from "../../server/src/service/rename";
import type { ConfigFile } from "../../server/src/service/navigation";
import { type ConfigKind, parseConfig } from "../../server/src/service/parser/document";
import { LineIndex } from "../../server/src/service/text/lineIndex";
import { CURSOR } from "./cursor";
import { applyEdits } from "./fixes";

export const MAIN_URI = "file:///etc/postfix/main.cf";
export const MASTER_URI = "file:///etc/postfix/master.cf";

/** A main.cf/master.cf pair with the cursor marker in one of them. */
export interface MarkedPair {
  main: string;
  master: string;
}

/** The file with the cursor, its sibling, and the cursor position. */
export function markedPair(marked: MarkedPair) {
  const kind: ConfigKind = marked.main.includes(CURSOR) ? "main" : "master";
  const offset = marked[kind].indexOf(CURSOR);
  const texts = { ...marked, [kind]: marked[kind].replace(CURSOR, "") };
  const fileOf = (fileKind: ConfigKind): ConfigFile => ({
    uri: fileKind === "main" ? MAIN_URI : MASTER_URI,
    config: parseConfig(fileKind, texts[fileKind]),
    mapper: new LineIndex(texts[fileKind]),
  });
  const current = fileOf(kind);
  return {
    texts,
    current,
    sibling: fileOf(kind === "main" ? "master" : "main"),
    position: current.mapper.positionAt(offset),
  };
}

/** Both texts after renaming what the cursor is on, or the refusal. */
export function renamed(marked: MarkedPair, newName: string): MarkedPair | { error: string } {
  const { texts, current, sibling, position } = markedPair(marked);
  const result = doRename(current, position, newName, sibling, { version: "3.7" });
  if ("error" in result) return { error: result.error };
  const apply = (kind: ConfigKind, uri: string) =>
    applyEdits(texts[kind], new LineIndex(texts[kind]), result.changes?.[uri] ?? []);
  return { main: apply("main", MAIN_URI), master: apply("master", MASTER_URI) };
}
