#!/bin/bash
# TAP: one validator on one file. A missing validator is a failure, not a
# skip: build-aux/test installs it (the Debian package is named).
#
#   run-validator.sh DESCRIPTION PACKAGE FAIL_PATTERN TOOL [ARG...]
#
# Fails when TOOL exits non-zero or, if FAIL_PATTERN is not empty, when its
# output matches FAIL_PATTERN (extended regex), e.g. desktop-file-validate's
# warnings, which do not change its exit status.
set -uo pipefail
description=$1 package=$2 fail_pattern=$3 tool=$4
shift 4

echo "1..1"
if ! command -v "$tool" >/dev/null; then
  echo "not ok 1 - $description"
  echo "# $tool is not installed: Debian package $package (build-aux/test installs it)"
  exit 1
fi

output=$("$tool" "$@" 2>&1)
status=$?
if [ $status -eq 0 ] && { [ -z "$fail_pattern" ] || ! grep -qE "$fail_pattern" <<< "$output"; }; then
  echo "ok 1 - $description"
  result=0
else
  echo "not ok 1 - $description"
  echo "# $tool $* exited with $status"
  result=1
fi
[ -n "$output" ] && sed 's/^/# /' <<< "$output"
exit $result
