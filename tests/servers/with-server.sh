#!/usr/bin/env bash
# with-server.sh SERVER -- COMMAND [ARGS...]      SERVER: ejabberd | prosody
#
# Makes a fresh temp dir (${TMPDIR:-/tmp}/xgb-srv-XXXXXX), test certificates,
# starts a private SERVER on free loopback ports, registers admin, alice and
# bob with random passwords, exports every variable of DIR/server.env and
# runs COMMAND.  Afterwards (success, failure, SIGTERM/SIGINT/SIGHUP) it kills
# the server and removes the dir; the exit status is COMMAND's (143/130/129
# when signalled).  If the server cannot be started it prints a TAP
# "Bail out!" line on stdout, the server's log tail on stderr, and exits 1:
# an integration test that cannot run is a failure, never a skip.
#
# XGB_TEST_KEEP_DIR=1 keeps the dir (for debugging; the server is still killed).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

usage() {
    echo "usage: $0 ejabberd|prosody -- COMMAND [ARGS...]" >&2
    exit 2
}

[ $# -ge 3 ] || usage
server=$1
[ "$2" = "--" ] || usage
shift 2
case $server in
    ejabberd | prosody) ;;
    *) usage ;;
esac

dir=
cmd_pid=

# shellcheck disable=SC2317  # invoked by trap
cleanup() {
    local rc=$? pids='' helpers
    trap '' INT TERM HUP
    # COMMAND gets SIGTERM; start/register helpers still running (we were
    # interrupted during the start) and whatever they spawned get SIGKILL
    if [ -n "$cmd_pid" ] && xgb_alive "$cmd_pid"; then
        pids=$(xgb_tree "$cmd_pid")
        # shellcheck disable=SC2086
        kill -TERM $pids 2>/dev/null || true
    fi
    helpers=$(pgrep -P $$ 2>/dev/null | grep -vxF "${cmd_pid:-none}" || true)
    if [ -n "$helpers" ]; then
        # shellcheck disable=SC2046,SC2086
        kill -KILL $(xgb_tree $helpers) 2>/dev/null || true
    fi
    if [ -n "$dir" ] && [ -d "$dir" ]; then
        xgb_kill_tree "$dir/server.pid"
        if [ "${XGB_TEST_KEEP_DIR:-}" = 1 ]; then
            echo "with-server.sh: kept $dir" >&2
        else
            rm -rf "$dir"
        fi
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
trap 'exit 129' HUP

# bail REASON: TAP bail-out on stdout, details on stderr, exit 1 (-> cleanup)
bail() {
    echo "Bail out! cannot start $server: $*"
    if [ -s "$dir/start.err" ]; then
        cat "$dir/start.err" >&2
    fi
    exit 1
}

# run_bg COMMAND...: run in the background and wait, so that a signal to us
# is handled at once (bash defers traps while a foreground child runs)
run_bg() {
    local p rc=0
    "$@" &
    p=$!
    wait "$p" || rc=$?
    return "$rc"
}

command -v openssl >/dev/null || { echo "Bail out! cannot start $server: openssl not installed"; exit 1; }
# like mktemp -d, but $dir is set before the directory exists, so that a
# signal at any point leaves nothing behind
for _ in 1 2 3 4 5 6 7 8 9 10; do
    name=xgb-srv-$(xgb_random 10)
    dir=${TMPDIR:-/tmp}/$name
    mkdir -m 0700 "$dir" 2>/dev/null && break
    dir=
done
[ -n "$dir" ] || { echo "Bail out! cannot start $server: cannot create a dir in ${TMPDIR:-/tmp}"; exit 1; }
domain=${XGB_TEST_DOMAIN_OVERRIDE:-xgb.test}

run_bg "$here/certs.sh" "$dir" "$domain" 2>"$dir/start.err" ||
    bail "making test certificates failed"
run_bg "$here/$server.sh" start "$dir" "$domain" 2>>"$dir/start.err" ||
    bail "$(grep -m1 "^$server.sh:" "$dir/start.err" || echo "$server.sh start failed")"

# accounts, registered in parallel (each ejabberdctl call costs ~0.3 s)
declare -A password
reg_pids=()
for user in admin alice bob; do
    password[$user]=$(xgb_random 20)
    "$here/$server.sh" register "$dir" "$user" "${password[$user]}" 2>>"$dir/start.err" &
    reg_pids+=($!)
done
for p in "${reg_pids[@]}"; do
    wait "$p" || bail "registering the test accounts failed"
done
{
    for user in admin alice bob; do
        xgb_env_line "XGB_TEST_${user^^}_JID=$user@$domain"
        xgb_env_line "XGB_TEST_${user^^}_PASSWORD=${password[$user]}"
    done
} >>"$dir/server.env"

set -a
# shellcheck source=/dev/null
. "$dir/server.env"
set +a

# COMMAND keeps our stdin (an async command would get /dev/null otherwise)
rc=0
"$@" <&0 &
cmd_pid=$!
wait "$cmd_pid" || rc=$?
cmd_pid=

if [ "$rc" != 0 ]; then
    echo "with-server.sh: '$*' exited with $rc; tail of $XGB_TEST_SERVER_LOG:" >&2
    tail -n 30 "$XGB_TEST_SERVER_LOG" >&2 2>/dev/null || true
fi
exit "$rc"
