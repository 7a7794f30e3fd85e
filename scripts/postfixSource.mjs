// What the generators of facts from the Postfix source share (generate-tables.mjs,
// generate-restrictions.mjs): the command line (--repo PATH, else POSTFIX_SRC;
// --check), reading a file of a release through git, the release tags per line
// that parameters.generated.json records, and writing the output or, with
// --check, failing when the committed file is stale.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";

const PARAMETERS = "server/src/service/data/parameters.generated.json";

/** The shared parts for the generator `script` (its name, for messages). */
export function postfixSource(script) {
  const args = process.argv.slice(2);
  const repoAt = args.indexOf("--repo");
  const repo = repoAt >= 0 ? args[repoAt + 1] : process.env.POSTFIX_SRC;
  const check = args.includes("--check");
  if (!repo) {
    console.error(`${script}: --repo PATH (or POSTFIX_SRC) is required`);
    process.exit(2);
  }
  const gitDir = (() => {
    try {
      const dir = execFileSync("git", ["-C", repo, "rev-parse", "--git-dir"], {
        encoding: "utf8",
      }).trim();
      return dir.startsWith("/") ? dir : `${repo}/${dir}`;
    } catch {
      return repo;
    }
  })();
  /** A git command in the clone; its output, or "" when it fails. */
  const git = (...gitArgs) => {
    try {
      return execFileSync("git", [`--git-dir=${gitDir}`, ...gitArgs], {
        encoding: "latin1",
        maxBuffer: 64 << 20,
        stdio: ["ignore", "pipe", "ignore"],
      });
    } catch {
      return "";
    }
  };
  const parameters = JSON.parse(readFileSync(PARAMETERS, "utf8"));
  return {
    git,
    /** A file of the release `ref`, by its path under postfix/; "" when it is not there. */
    show: (ref, file) => git("show", `${ref}:postfix/${file}`),
    /** The repository, commit and release tags parameters.generated.json was made from. */
    source: parameters.source,
    releases: parameters.source.releases,
    /** The release lines, oldest first. */
    lines: parameters.versions,
    /** Writes `output` to `file`; with --check, exits 1 when the committed file differs. */
    emit(file, output) {
      if (!check) {
        writeFileSync(file, output);
        return;
      }
      let committed = "";
      try {
        committed = readFileSync(file, "utf8");
      } catch {
        // No committed file yet: it is stale.
      }
      if (committed !== output) {
        console.error(`${file} is stale; run scripts/${script}.mjs`);
        process.exit(1);
      }
    },
  };
}
