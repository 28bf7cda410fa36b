#!/bin/bash
# Runs a UI test program on its own X server and D-Bus session.
# A missing xvfb is a failure, not a skip: UI tests must run.
set -euo pipefail
for tool in xvfb-run dbus-run-session; do
  if ! command -v "$tool" >/dev/null; then
    echo "Bail out! $tool is not installed (build-aux/test installs it)"
    exit 1
  fi
done
exec xvfb-run -a -s "-screen 0 1280x1024x24 -nolisten tcp" \
  dbus-run-session -- "$@"
