#!/usr/bin/env bash
# Sets up a fresh machine for this project: npm packages and Debian's postfix (test oracle).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund
bash scripts/install-postfix.sh
