import type { Position, Range, TextEdit, WorkspaceEdit } from "vscode-languageserver-types";
import { type NameUse, isParameterName } from "./analysis/nameUses";
import { isKnownParameter, serviceParameterNames } from "./data/parameters";
import {
  type ConfigFile,
  type NavigationOptions,
  type Pair,
  nameUseAt,
  pairOf,
  usesOf,
} from "./navigation";
import { MASTER_FIELD_NAMES } from "./parser/masterCf";

/**
 * Rename of the names a configuration defines itself: user-defined parameters
 * (restriction classes among them) and master.cf services, in main.cf and
 * master.cf together. Postfix's own parameter names are refused, and so are the
 * parameters whose name comes from a service (rename the service: they move with
 * it). Each refusal says why.
 */

export type PrepareRenameResult = { range: Range; placeholder: string } | { error: string };

export function prepareRename(
  file: ConfigFile,
  position: Position,
  sibling: ConfigFile | undefined,
  options: NavigationOptions,
): PrepareRenameResult {
  const pair = pairOf(file, sibling, options);
  const use = nameUseAt(file, position, pair.tables);
  if (!use) return { error: "Only a parameter you define or a master.cf service can be renamed." };
  const refusal = refusalOf(use, pair, options);
  if (refusal) return { error: refusal };
  const range = {
    start: file.mapper.positionAt(use.span.start),
    end: file.mapper.positionAt(use.span.end),
  };
  return { range, placeholder: use.name };
}

/** The edits of a rename, or why it cannot be done. */
export function doRename(
  file: ConfigFile,
  position: Position,
  newName: string,
  sibling: ConfigFile | undefined,
  options: NavigationOptions,
): WorkspaceEdit | { error: string } {
  const pair = pairOf(file, sibling, options);
  const use = nameUseAt(file, position, pair.tables);
  if (!use) return { error: "Only a parameter you define or a master.cf service can be renamed." };
  const refusal = refusalOf(use, pair, options) ?? newNameProblem(use, newName, pair, options);
  if (refusal) return { error: refusal };
  const changes: Record<string, TextEdit[]> = {};
  for (const target of [pair.main, pair.master]) {
    if (!target) continue;
    const edits: TextEdit[] = [];
    for (const found of usesOf(target, use, pair.tables)) {
      edits.push({
        range: {
          start: target.mapper.positionAt(found.span.start),
          end: target.mapper.positionAt(found.span.end),
        },
        newText: newName,
      });
    }
    if (edits.length > 0) changes[target.uri] = edits;
  }
  return { changes };
}

function refusalOf(use: NameUse, pair: Pair, options: NavigationOptions): string | undefined {
  if (use.kind === "service") {
    if (!pair.master) return `Service ${use.name} cannot be renamed: master.cf is not available.`;
    const inet = usesOf(pair.master, use, pair.tables).some(
      (found) =>
        found.role === "service" &&
        found.entry.kind === "master" &&
        found.entry.words[1]?.text === "inet",
    );
    if (inet) {
      return `Service ${use.name} is not renamed: an inet service's name is the address it listens on.`;
    }
    return undefined;
  }
  const service = pair.tables.derivedNames.get(use.name);
  if (service !== undefined) {
    return `${use.name} is not renamed on its own: Postfix derives the name from the master.cf service ${service}. Rename the service, and this parameter moves with it.`;
  }
  if (isKnownParameter(use.name, options.version)) {
    return `${use.name} is not renamed: it is a Postfix parameter, and Postfix reads it by this name.`;
  }
  return undefined;
}

function newNameProblem(
  use: NameUse,
  newName: string,
  pair: Pair,
  options: NavigationOptions,
): string | undefined {
  if (newName === use.name) return undefined;
  if (use.kind === "parameter") {
    if (!isParameterName(newName)) {
      return `"${newName.slice(0, 40)}" is not a usable parameter name: use letters, digits and '_' only, so that $${"{name}"} can refer to it.`;
    }
    if (isKnownParameter(newName, options.version) || pair.tables.derivedNames.has(newName)) {
      return `${newName} is already a Postfix parameter name; renaming to it would change what Postfix does.`;
    }
    if (isUsed(pair, "parameter", newName))
      return `${newName} is already used in this configuration.`;
    return undefined;
  }
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(newName)) {
    return `"${newName.slice(0, 40)}" is not a usable service name: use letters, digits, '_', '.' and '-' (a transport name cannot hold ':' or spaces).`;
  }
  if (pair.tables.services.has(newName)) return `master.cf already has a service ${newName}.`;
  // The parameters derived from the new name must not be Postfix parameters of their own.
  for (const entry of usesOf(pair.master!, use, pair.tables)) {
    if (entry.role !== "service" || entry.entry.kind !== "master") continue;
    const command = entry.entry.words[MASTER_FIELD_NAMES.length - 1]?.text ?? "";
    const clash = serviceParameterNames(newName, command, options.version).find(
      (name) => isKnownParameter(name, options.version) || isUsed(pair, "parameter", name),
    );
    if (clash) {
      return `Service ${use.name} is not renamed to ${newName}: ${clash} would then mean something else (it is already a parameter).`;
    }
  }
  return undefined;
}

function isUsed(pair: Pair, kind: NameUse["kind"], name: string): boolean {
  return [pair.main, pair.master].some(
    (file) => file !== undefined && usesOf(file, { kind, name }, pair.tables).length > 0,
  );
}
