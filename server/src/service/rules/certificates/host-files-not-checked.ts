import { defineRule } from "../rule";

/** Reported by the server (hostFilesNotCheckedDiagnostic in validation.ts), not by a check. */
export default defineRule({
  meta: {
    id: "host-files-not-checked",
    severity: "info",
    description:
      "The configuration names certificates, keys or lookup table files, but file checks are off because the workspace is not trusted.",
    fixable: false,
    files: ["main", "master"],
  },
  docs: {
    why: "Certificates, keys, CA files and lookup tables live outside the workspace, and a workspace anyone may have written could point them at any file on the machine. So in an untrusted workspace (VS Code's restricted mode) the server opens none of them, and the certificate rules and the table file rules stay silent. This note says so once per file, so that the silence is not mistaken for a clean bill of health. Trust the workspace, or run `postfix-lint` on the directory, to have them checked.",
    fires: [],
    silent: [],
  },
});
