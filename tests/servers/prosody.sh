#!/usr/bin/env bash
# Private, disposable Prosody 0.12 instance in a directory (no systemd,
# memory storage, loopback only).
#
#   prosody.sh start DIR [DOMAIN]       (DOMAIN defaults to xgb.test)
#   prosody.sh stop DIR                 graceful (SIGTERM, bounded), then SIGKILL
#   prosody.sh kill DIR                 SIGKILL, instant
#   prosody.sh register DIR USER PASSWORD
#   prosody.sh shell DIR ARGS...        prosodyctl shell (e.g. user list xgb.test)
#
# start makes DIR/certs (certs.sh) unless present, picks a free loopback port,
# waits until c2s answers (<= 30 s) and writes DIR/server.env.
# $XGB_PROSODY_EXTRA_CONFIG (Lua), if set, goes first into the config: global
# options for a test variant, e.g. disable_sasl_mechanisms = { ... }.
# With memory storage all data (accounts too) is lost when Prosody stops,
# hence no 'restart'.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

START_TIMEOUT=${XGB_START_TIMEOUT:-30}
STOP_TIMEOUT=${XGB_STOP_TIMEOUT:-15}
LOGLEVEL=${XGB_PROSODY_LOGLEVEL:-info}

usage() {
    sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
[ -d "$2" ] || xgb_die "no such directory: $2"
dir=$(cd "$2" && pwd)
shift 2

log_tail() {
    local f
    for f in "$dir/log/console.log" "$dir/log/prosody.log"; do
        [ -s "$f" ] || continue
        echo "--- tail of $f" >&2
        tail -n 25 "$f" >&2
    done
}

is_running() {
    [ -s "$dir/server.pid" ] && xgb_alive "$(cat "$dir/server.pid")"
}

write_env() {
    {
        xgb_env_line "XGB_TEST_SERVER=prosody"
        xgb_env_line "XGB_TEST_DOMAIN=$XGB_TEST_DOMAIN"
        xgb_env_line "XGB_TEST_HOST=127.0.0.1"
        xgb_env_line "XGB_TEST_PORT=$XGB_TEST_PORT"
        xgb_env_line "XGB_TEST_CERT_PORT="
        xgb_env_line "XGB_TEST_PUBSUB=pubsub.$XGB_TEST_DOMAIN"
        xgb_env_line "XGB_TEST_CA_FILE=$dir/certs/ca.crt"
        xgb_env_line "XGB_TEST_CERT_DIR=$dir/certs"
        xgb_env_line "XGB_TEST_DIR=$dir"
        xgb_env_line "XGB_TEST_SERVER_LOG=$dir/log/prosody.log"
    } >"$dir/server.env.tmp"
    mv "$dir/server.env.tmp" "$dir/server.env"
}

do_start() {
    local domain=${1:-xgb.test} attempt rc pid
    is_running && xgb_die "prosody already running in $dir"
    case $domain in
        *[!A-Za-z0-9.-]* | "") xgb_die "bad domain: $domain" ;;
    esac
    command -v prosody >/dev/null || xgb_die "prosody is not installed"
    # unix socket paths are limited to 107 bytes
    [ "${#dir}" -lt 90 ] || xgb_die "directory path too long for the admin socket: $dir"

    [ -s "$dir/certs/server.crt" ] || "$here/certs.sh" "$dir" "$domain"
    XGB_TEST_DOMAIN=$domain
    xgb_openssl_cnf "$dir/openssl.cnf"
    XGB_CLASH_LOGS=("$dir/log/console.log" "$dir/log/prosody.log")

    for attempt in 1 2 3 4 5; do
        rm -rf "$dir/log" "$dir/data"
        mkdir -p "$dir/log" "$dir/data"
        XGB_TEST_PORT=$(xgb_pick_ports 1)
        # test hook for the retry path: force the first attempt's port
        [ "$attempt" = 1 ] && [ -n "${XGB_FIRST_PORTS:-}" ] && XGB_TEST_PORT=$XGB_FIRST_PORTS
        {
            printf '%s\n' "${XGB_PROSODY_EXTRA_CONFIG:-}"
            sed -e "s|@DIR@|$(xgb_sed_esc "$dir")|g" -e "s|@DOMAIN@|$domain|g" \
                -e "s|@C2S_PORT@|$XGB_TEST_PORT|g" \
                -e "s|@LOGLEVEL@|$LOGLEVEL|g" \
                "$here/prosody.cfg.lua.in"
        } >"$dir/prosody.cfg.lua"
        # Foreground process in the background: stays in our process group,
        # $! is the Lua interpreter itself (the script's #! execs it).
        OPENSSL_CONF=$dir/openssl.cnf \
            prosody --config "$dir/prosody.cfg.lua" -F </dev/null >>"$dir/log/console.log" 2>&1 &
        pid=$!
        echo "$pid" >"$dir/server.pid"
        rc=0
        xgb_wait_xmpp "$START_TIMEOUT" "$pid" 127.0.0.1 "$domain" "$XGB_TEST_PORT" || rc=$?
        [ "$rc" = 0 ] && break
        xgb_kill_tree "$dir/server.pid"
        if [ "$rc" = 3 ]; then
            echo "prosody.sh: port clash, retrying with another port" >&2
            continue
        fi
        [ "$rc" = 1 ] && echo "prosody.sh: c2s did not answer within ${START_TIMEOUT}s" >&2
        [ "$rc" = 2 ] && echo "prosody.sh: prosody exited during start" >&2
        log_tail
        exit 1
    done
    [ "$rc" = 0 ] || { echo "prosody.sh: no free port after 5 attempts" >&2; log_tail; exit 1; }
    write_env
}

load_env() {
    [ -s "$dir/server.env" ] || xgb_die "$dir/server.env missing (not started?)"
    # shellcheck source=/dev/null
    . "$dir/server.env"
}

shell() {
    prosodyctl --config "$dir/prosody.cfg.lua" shell "$@"
}

do_register() {
    [ $# -eq 2 ] || usage
    load_env
    local out
    # -> user:create("USER@DOMAIN", "PASSWORD") through the admin socket;
    # prosodyctl's exit status counts the errors.
    if ! out=$(shell user create "$1@$XGB_TEST_DOMAIN" "$2" 2>&1) ||
        [[ $out != *"User created"* ]]; then
        echo "prosody.sh: register $1@$XGB_TEST_DOMAIN failed: $out" >&2
        exit 1
    fi
}

case $cmd in
    start) do_start "$@" ;;
    stop) xgb_stop_tree "$dir/server.pid" "$STOP_TIMEOUT" ;;
    kill) xgb_kill_tree "$dir/server.pid" ;;
    register) do_register "$@" ;;
    shell) load_env; shell "$@" ;;
    *) usage ;;
esac
