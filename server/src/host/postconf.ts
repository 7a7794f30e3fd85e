import { execFile } from "node:child_process";
import { mkdtemp, rm, stat, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, isAbsolute, join } from "node:path";
import { parseMailVersion } from "./release";

/**
 * The one place that runs a program: Postfix's postconf. It runs only a file
 * that root owns and that neither group nor others may write (nor its
 * directory), so that nobody but root can have put the program there; it runs
 * without a shell, with an argument list the caller fixes, a small environment,
 * a timeout and a cap on its output.
 */

export const DEFAULT_POSTCONF_PATH = "/usr/sbin/postconf";
/** Enough for postconf to start and print one value, even on a loaded machine. */
export const VERSION_TIMEOUT_MS = 2_000;
/** mail_version is a few bytes. */
const VERSION_OUTPUT_CAP = 4_096;

export interface RunLimits {
  timeoutMs: number;
  /** Bytes per stream; a program that prints more is killed. */
  maxOutputBytes: number;
}

export type RunOutcome =
  { ok: true; stdout: string; stderr: string; status: number } | { ok: false; problem: string };

/**
 * Why `path` may not be run, or undefined when it may: it must be an absolute
 * path to a regular, executable file owned by root, not writable by group or
 * others, in a directory of which the same holds.
 */
export async function programProblem(path: string): Promise<string | undefined> {
  if (!isAbsolute(path)) return `${path} is not an absolute path`;
  try {
    const file = await stat(path);
    if (!file.isFile()) return `${path} is not a regular file`;
    if ((file.mode & 0o111) === 0) return `${path} is not executable`;
    for (const [what, info] of [
      [path, file],
      [dirname(path), await stat(dirname(path))],
    ] as const) {
      if (info.uid !== 0) return `${what} is not owned by root`;
      if ((info.mode & 0o022) !== 0) return `${what} is writable by group or others`;
    }
    return undefined;
  } catch (error) {
    return `${path} cannot be examined (${(error as NodeJS.ErrnoException).code ?? "error"})`;
  }
}

/**
 * Runs postconf at `path` with `args` after programProblem() passed. Never
 * rejects: a refused program, a timeout, too much output or a failure to start
 * come back as a problem. A non-zero exit status is a result (postconf's fatal
 * errors), with what it printed.
 */
export async function runPostconf(
  path: string,
  args: readonly string[],
  limits: RunLimits,
): Promise<RunOutcome> {
  const refused = await programProblem(path);
  if (refused) return { ok: false, problem: refused };
  return new Promise((resolve) => {
    execFile(
      path,
      args,
      {
        shell: false,
        // No MAIL_CONFIG or other variable of ours reaches postconf; messages in English.
        env: { PATH: "/usr/sbin:/usr/bin:/sbin:/bin", LANG: "C", LC_ALL: "C" },
        timeout: limits.timeoutMs,
        killSignal: "SIGKILL",
        maxBuffer: limits.maxOutputBytes,
        encoding: "utf8",
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) return resolve({ ok: true, stdout, stderr, status: 0 });
        const failure = error as NodeJS.ErrnoException & { killed?: boolean; code?: unknown };
        if (failure.code === "ERR_CHILD_PROCESS_STDIO_MAXBUFFER")
          return resolve({
            ok: false,
            problem: `${path} printed more than ${limits.maxOutputBytes} bytes and was stopped`,
          });
        if (failure.killed)
          return resolve({
            ok: false,
            problem: `${path} did not finish within ${limits.timeoutMs / 1000} s and was stopped`,
          });
        if (typeof failure.code === "number")
          return resolve({ ok: true, stdout, stderr, status: failure.code });
        resolve({ ok: false, problem: `${path} could not be run (${failure.message})` });
      },
    );
  });
}

/**
 * The release the postconf at `path` reports (`postconf -d -h mail_version`), or
 * why there is none. `-d` prints the compiled-in value, which needs no main.cf: a
 * host with Postfix installed but not configured has none.
 */
export async function postconfRelease(
  path: string,
): Promise<{ release: string } | { problem: string }> {
  const run = await runPostconf(path, ["-d", "-h", "mail_version"], {
    timeoutMs: VERSION_TIMEOUT_MS,
    maxOutputBytes: VERSION_OUTPUT_CAP,
  });
  if (!run.ok) return { problem: run.problem };
  if (run.status !== 0)
    return { problem: `${path} -d -h mail_version exited with status ${run.status}` };
  const release = parseMailVersion(run.stdout);
  return release
    ? { release }
    : { problem: `${path} -d -h mail_version printed no release number` };
}

/** postconf -n and -M: a fatal error sleeps a second before exiting, so more than that. */
const CHECK_TIMEOUT_MS = 10_000;
/** postconf -n prints each setting once; a 10 MB main.cf cannot print much more. */
const CHECK_OUTPUT_CAP = 32 * 1024 * 1024;

export interface ConfigurationCheck {
  /** What both runs printed on stderr. */
  stderr: string;
  /** The directory postconf read, already removed; its path appears in the messages. */
  dir: string;
}

/**
 * Runs `postconf -c DIR -n` and `postconf -c DIR -M` on the given texts of main.cf
 * and master.cf, written to a private temporary directory (mode 0700) that is
 * removed afterwards, whatever happens.
 */
export async function checkConfiguration(
  path: string,
  texts: { main: string; master: string },
): Promise<ConfigurationCheck | { problem: string }> {
  const dir = await mkdtemp(join(tmpdir(), "postfix-lsp-check-"));
  try {
    // postconf re-reads a main.cf changed within the last second, dozing in between:
    // files dated an hour back are read at once.
    const past = new Date(Date.now() - 3_600_000);
    for (const kind of ["main", "master"] as const) {
      const file = join(dir, `${kind}.cf`);
      await writeFile(file, texts[kind], { encoding: "utf8", mode: 0o600, flag: "wx" });
      await utimes(file, past, past);
    }
    let stderr = "";
    for (const mode of ["-n", "-M"]) {
      const run = await runPostconf(path, ["-c", dir, mode], {
        timeoutMs: CHECK_TIMEOUT_MS,
        maxOutputBytes: CHECK_OUTPUT_CAP,
      });
      if (!run.ok) return { problem: run.problem };
      stderr += run.stderr;
      // -n reads master.cf too: after a fatal error, -M would only repeat it, a second later.
      if (run.status !== 0) break;
    }
    return { stderr, dir };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
