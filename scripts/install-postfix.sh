#!/usr/bin/env bash
# Installs Debian's postfix package for its postconf (the test oracle), without
# starting any mail service. Safe to run repeatedly.
set -euo pipefail
if command -v postconf >/dev/null 2>&1 || [ -x /usr/sbin/postconf ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
# Forbid service start-up during installation (policy-rc.d exit code 101 = "not allowed").
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
echo "postfix postfix/main_mailer_type select No configuration" | $SUDO debconf-set-selections
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends postfix >/dev/null
