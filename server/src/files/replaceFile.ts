import {
  chmodSync,
  chownSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Replaces a file atomically: a temporary file in the same directory, with the
 * same mode and owner, renamed over it. A symbolic link is followed, so that the
 * link stays. When the owner cannot be kept (not root, another user's file), the
 * file is left as it was and the error says so: a config file must not change
 * hands silently.
 */
export function replaceFile(file: string, content: Buffer): void {
  const target = realpathSync(file);
  const { mode, uid, gid } = statSync(target);
  const temporary = join(
    dirname(target),
    `.${basename(target)}.postfix-lint-${process.pid}-${Date.now()}.tmp`,
  );
  try {
    writeFileSync(temporary, content, { flag: "wx", mode: mode & 0o7777 });
    chmodSync(temporary, mode & 0o7777); // the umask may have narrowed it
    try {
      chownSync(temporary, uid, gid);
    } catch (error) {
      const owned = statSync(temporary);
      if (owned.uid !== uid || owned.gid !== gid)
        throw new Error(`cannot keep the file's owner (${uid}:${gid}); not changed`, {
          cause: error,
        });
    }
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}
