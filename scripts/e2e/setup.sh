#!/usr/bin/env bash
# Installs what the end-to-end tests need, and skips whatever is already there:
#   Debian: chromium (driven by playwright-core), libkrb5-dev (code-server's native
#   modules), neovim (0.7.2, the second LSP client) and ripgrep (see below);
#   npm, into .cache/e2e (git-ignored, outside the project's node_modules):
#   code-server (VS Code served to a browser) and playwright-core.
# Non-interactive; safe to run again. Needs root or sudo for apt-get.
set -euo pipefail
cd "$(dirname "$0")/../.."

CODE_SERVER_VERSION=4.100.3 # the last release that runs on Node 20
PLAYWRIGHT_VERSION=1.65.1
# code-server 4.100.3's npm-shrinkwrap pins @vscode/ripgrep 1.15.11, whose postinstall
# (lib/postinstall.js, lib/download.js) wants ripgrep release v13.0.0-10 and first looks
# for the archive in $TMPDIR/vscode-ripgrep-cache-<package version>/.
VSCODE_RIPGREP_VERSION=1.15.11
RIPGREP_RELEASE=v13.0.0-10

CACHE="$PWD/.cache/e2e"
export DEBIAN_FRONTEND=noninteractive
start=$SECONDS

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo -n "$@"; fi
}

# 1. Debian packages (one apt-get update, only when something is missing).
missing=()
for package in chromium libkrb5-dev neovim ripgrep; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "e2e setup: installing Debian packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed apt-get install -y -qq --no-install-recommends \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold "${missing[@]}" >/dev/null
else
  echo "e2e setup: Debian packages already installed"
fi

# 2. code-server and playwright-core in .cache/e2e.
wanted="code-server@$CODE_SERVER_VERSION playwright-core@$PLAYWRIGHT_VERSION"
code_server_dir="$CACHE/node_modules/code-server"
rg_binary="$code_server_dir/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
if [ "$(cat "$CACHE/installed" 2>/dev/null || true)" = "$wanted" ] && [ -x "$rg_binary" ] &&
  [ -f "$CACHE/node_modules/playwright-core/package.json" ]; then
  echo "e2e setup: $wanted already installed in .cache/e2e"
else
  echo "e2e setup: installing $wanted into .cache/e2e"
  rm -f "$CACHE/installed"
  mkdir -p "$CACHE/tmp"
  # A package.json of its own, so that npm installs here and not into the project.
  [ -f "$CACHE/package.json" ] || echo '{ "name": "postfix-lsp-e2e-tools", "private": true }' >"$CACHE/package.json"

  # @vscode/ripgrep downloads rg from a host we cannot reach; give it Debian's rg as
  # the cached archive it looks for first (a tar.gz holding a file named rg).
  case "$(uname -m)" in
    x86_64) rg_target=x86_64-unknown-linux-musl ;;
    aarch64) rg_target=aarch64-unknown-linux-musl ;;
    *) echo "e2e setup: unsupported architecture $(uname -m)" >&2 && exit 1 ;;
  esac
  export TMPDIR="$CACHE/tmp"
  rg_cache="$TMPDIR/vscode-ripgrep-cache-$VSCODE_RIPGREP_VERSION"
  mkdir -p "$rg_cache"
  tar -czf "$rg_cache/ripgrep-$RIPGREP_RELEASE-$rg_target.tar.gz" -C /usr/bin rg

  # code-server's postinstall runs npm install (and npx node-gyp) in lib/vscode; as root
  # it insists on --unsafe-perm. npm_config_yes answers npx's question; JOBS lets
  # node-gyp compile the native modules on every core.
  (
    cd "$CACHE"
    JOBS=max npm_config_yes=true npm install --unsafe-perm --no-audit --no-fund --loglevel=error \
      "code-server@$CODE_SERVER_VERSION" "playwright-core@$PLAYWRIGHT_VERSION"
  )
  if [ ! -x "$rg_binary" ]; then
    echo "e2e setup: code-server installed without its ripgrep binary ($rg_binary)" >&2
    exit 1
  fi
  echo "$wanted" >"$CACHE/installed"
fi

echo "e2e setup: done in $((SECONDS - start)) s"
