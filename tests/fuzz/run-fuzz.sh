#!/bin/bash
# run-fuzz.sh - runs one libFuzzer target for a while, as one TAP test point
#
#   run-fuzz.sh TARGET CORPUS MAX_LEN RSS_LIMIT_MB [ARTIFACTS_DIR]
#
# TARGET runs for $XGB_FUZZ_SECONDS seconds (default 10) over a COPY of
# the seed corpus CORPUS in a temporary folder: the source tree is never
# changed.  The test point says how many inputs ran, how fast, the
# coverage reached and "no crash"; a crash, leak, undefined behaviour,
# timeout or out-of-memory fails it, and the input that did it is kept in
# ARTIFACTS_DIR/NAME/ (default: the current folder's fuzz-artifacts/),
# whose path is printed.
#
# Environment:
#   XGB_FUZZ_SECONDS     how long to fuzz (default 10)
#   XGB_FUZZ_CORPUS_OUT  a folder to copy the grown corpus to (to merge
#                        new seeds by hand, see README.md)
#   XGB_FUZZ_ARGS        more libFuzzer options, e.g. "-jobs=2"
#
# SPDX-License-Identifier: AGPL-3.0-or-later
set -u

if [ $# -lt 4 ]; then
  echo "usage: $0 TARGET CORPUS MAX_LEN RSS_LIMIT_MB [ARTIFACTS_DIR]" >&2
  exit 2
fi

target=$1
corpus=$2
max_len=$3
rss_limit=$4
artifacts=${5:-$PWD/fuzz-artifacts}
name=$(basename "$target")
seconds=${XGB_FUZZ_SECONDS:-10}

echo "1..1"

case "$seconds" in
  ''|*[!0-9]*) echo "not ok 1 - $name: XGB_FUZZ_SECONDS must be a number of seconds, not “$seconds”"; exit 0 ;;
esac
if [ ! -x "$target" ] || [ ! -d "$corpus" ]; then
  echo "not ok 1 - $name: no target $target or no corpus $corpus"
  exit 0
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/xgb-$name-XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir "$work/corpus" "$work/artifacts" "$work/tmp"
cp -R "$corpus"/. "$work/corpus/"
rm -f "$work/corpus/README.md"

# Every report is fatal, leaks included; the target's own temporary
# files go into the work folder too.
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1:handle_abort=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
export TMPDIR="$work/tmp"

# shellcheck disable=SC2086 # XGB_FUZZ_ARGS is a list of options
timeout --kill-after=30 $((seconds + 300)) \
  "$target" \
    -max_total_time="$seconds" \
    -max_len="$max_len" \
    -rss_limit_mb="$rss_limit" \
    -malloc_limit_mb="$rss_limit" \
    -timeout=25 \
    -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/" \
    ${XGB_FUZZ_ARGS:-} \
    "$work/corpus" >"$work/log" 2>&1
status=$?

stat () { sed -n "s/^stat::$1: *//p" "$work/log" | tail -n 1; }
execs=$(stat number_of_executed_units)
per_second=$(stat average_exec_per_sec)
cov=$(grep -o 'cov: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
ft=$(grep -o 'ft: [0-9]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
corp=$(grep -o 'corp: [0-9]*/[0-9]*[a-zA-Z]*' "$work/log" | tail -n 1 | cut -d' ' -f2)
summary="${execs:-?} execs (${per_second:-?}/s) in ${seconds} s, coverage ${cov:-?} edges, ${ft:-?} features, corpus ${corp:-?}"

if [ -n "${XGB_FUZZ_CORPUS_OUT:-}" ]; then
  mkdir -p "$XGB_FUZZ_CORPUS_OUT" && cp -R "$work/corpus"/. "$XGB_FUZZ_CORPUS_OUT/"
fi

found=$(find "$work/artifacts" -type f | head -n 1)
if [ "$status" -eq 0 ] && [ -z "$found" ] && [ -n "$execs" ]; then
  echo "ok 1 - $name: $summary, no crash"
  exit 0
fi

mkdir -p "$artifacts/$name"
kept=""
for f in "$work"/artifacts/*; do
  [ -f "$f" ] || continue
  cp "$f" "$artifacts/$name/" && kept="$kept $artifacts/$name/$(basename "$f")"
done
cp "$work/log" "$artifacts/$name/log.txt"
echo "not ok 1 - $name: failed (exit status $status) after $summary; reproducer:${kept:- none}; log: $artifacts/$name/log.txt"
echo "# reproduce: $target -runs=1${kept:+ $(echo "$kept" | cut -d' ' -f2)}"
tail -n 60 "$work/log" | sed 's/^/# /'
exit 0
