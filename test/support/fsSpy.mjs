// Preloaded into a server process (node --import) by tests: records the path of
// every file-system call that names one, one per line, in $POSTFIX_FS_SPY_LOG.
// The server's bundle calls fs functions through the module objects patched here.
import fs from "node:fs";
import fsPromises from "node:fs/promises";

const log = process.env.POSTFIX_FS_SPY_LOG;
const append = fs.appendFileSync.bind(fs);
const NAMES = [
  "open",
  "stat",
  "lstat",
  "readFile",
  "realpath",
  "access",
  "watch",
  "opendir",
  "readdir",
];

function spy(target, name) {
  const original = target[name];
  if (typeof original !== "function") return;
  target[name] = function (path, ...rest) {
    if (typeof path === "string") append(log, `${name} ${path}\n`);
    return original.call(this, path, ...rest);
  };
}

for (const name of NAMES) {
  spy(fs, name);
  spy(fs, `${name}Sync`);
  spy(fsPromises, name);
}
