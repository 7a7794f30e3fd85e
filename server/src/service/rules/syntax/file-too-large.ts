import { defineRule } from "../rule";

/** Reported by validation (tooLargeDiagnostic) and the file reader, not by a check. */
export default defineRule({
  meta: {
    id: "file-too-large",
    severity: "warning",
    description:
      "A file too large to analyse (over 10 million characters); nothing else is checked.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "The editor and postfix-lint skip any file over 10 million characters (an open document) or 10 million bytes (a file on disk, which is then not even read), so that one huge file cannot freeze the editor or exhaust memory. A real main.cf or master.cf is a few kilobytes; a file this size is usually a log, a dump or a generated file opened by mistake. This finding is then the only one for that file: no other rule looks at it.",
    fires: [],
    silent: [],
  },
});
