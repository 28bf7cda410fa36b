#!/usr/bin/env bash
# Private, disposable ejabberd 23.01 instance in a directory (no systemd, no
# epmd, no root-owned state, loopback only).
#
#   ejabberd.sh start DIR [DOMAIN]      (DOMAIN defaults to xgb.test)
#   ejabberd.sh stop DIR                graceful (SIGTERM, bounded), then SIGKILL
#   ejabberd.sh kill DIR                SIGKILL the VM, instant (Mnesia writes
#                                       of the last moment may be lost)
#   ejabberd.sh restart DIR             stop + start on the same ports and data
#   ejabberd.sh register DIR USER PASSWORD
#   ejabberd.sh ctl DIR ARGS...         any other ejabberdctl command
#
# start makes DIR/certs (certs.sh) unless present, picks free loopback ports,
# waits until both c2s listeners answer (<= 30 s) and writes DIR/server.env.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$here/lib.sh"

START_TIMEOUT=${XGB_START_TIMEOUT:-30}
STOP_TIMEOUT=${XGB_STOP_TIMEOUT:-15}
LOGLEVEL=${XGB_EJABBERD_LOGLEVEL:-info}

usage() {
    sed -n '2,14s/^# \{0,1\}//p' "$0" >&2
    exit 2
}

[ $# -ge 2 ] || usage
cmd=$1
[ -d "$2" ] || xgb_die "no such directory: $2"
dir=$(cd "$2" && pwd)
shift 2

ctl() {
    "$dir/ejabberdctl" --config-dir "$dir" --config "$dir/ejabberd.yml" \
        --ctl-config "$dir/ejabberdctl.cfg" --logs "$dir/log" \
        --spool "$dir/spool" "$@"
}

log_tail() {
    local f
    for f in "$dir/log/console.log" "$dir/log/error.log" "$dir/log/ejabberd.log"; do
        [ -s "$f" ] || continue
        echo "--- tail of $f" >&2
        tail -n 25 "$f" >&2
    done
}

is_running() {
    [ -s "$dir/server.pid" ] && xgb_alive "$(cat "$dir/server.pid")"
}

# launch: start the VM in the background with the config already in $dir,
# wait for the listeners.  Returns 0 ok, 1 timeout, 2 VM died, 3 port clash.
launch() {
    local rc=0 pid
    # 'foreground' in the background: the VM stays in our process group (a
    # test harness killing the group kills it too) and $! is the VM itself
    # (the copied ejabberdctl execs erl, which execs erlexec, then beam.smp).
    OPENSSL_CONF=$dir/openssl.cnf \
        "$dir/ejabberdctl" --config-dir "$dir" --config "$dir/ejabberd.yml" \
        --ctl-config "$dir/ejabberdctl.cfg" --logs "$dir/log" \
        --spool "$dir/spool" foreground </dev/null >>"$dir/log/console.log" 2>&1 &
    pid=$!
    echo "$pid" >"$dir/server.pid"
    xgb_wait_xmpp "$START_TIMEOUT" "$pid" 127.0.0.1 "$XGB_TEST_DOMAIN" \
        "$XGB_TEST_PORT" "$XGB_TEST_CERT_PORT" || rc=$?
    if [ "$rc" != 0 ]; then
        xgb_kill_tree "$dir/server.pid"
    fi
    return "$rc"
}

write_env() {
    {
        xgb_env_line "XGB_TEST_SERVER=ejabberd"
        xgb_env_line "XGB_TEST_DOMAIN=$XGB_TEST_DOMAIN"
        xgb_env_line "XGB_TEST_HOST=127.0.0.1"
        xgb_env_line "XGB_TEST_PORT=$XGB_TEST_PORT"
        xgb_env_line "XGB_TEST_CERT_PORT=$XGB_TEST_CERT_PORT"
        xgb_env_line "XGB_TEST_PUBSUB=pubsub.$XGB_TEST_DOMAIN"
        xgb_env_line "XGB_TEST_CA_FILE=$dir/certs/ca.crt"
        xgb_env_line "XGB_TEST_CERT_DIR=$dir/certs"
        xgb_env_line "XGB_TEST_DIR=$dir"
        xgb_env_line "XGB_TEST_SERVER_LOG=$dir/log/ejabberd.log"
    } >"$dir/server.env.tmp"
    mv "$dir/server.env.tmp" "$dir/server.env"
}

do_start() {
    local domain=${1:-xgb.test} attempt rc ports dist_port
    is_running && xgb_die "ejabberd already running in $dir"
    case $domain in
        *[!A-Za-z0-9.-]* | "") xgb_die "bad domain: $domain" ;;
    esac
    command -v ejabberdctl >/dev/null || [ -x /usr/sbin/ejabberdctl ] ||
        xgb_die "ejabberd is not installed (/usr/sbin/ejabberdctl missing)"

    [ -s "$dir/certs/server.pem" ] || "$here/certs.sh" "$dir" "$domain"

    # ejabberdctl, run as the current user (INSTALLUSER empty, no su) and
    # exec'ing the VM so that our pid is the VM's pid.
    sed -e 's/^INSTALLUSER=.*/INSTALLUSER=/' \
        -e 's/^\( *as_current_user)\) "\$@" ;;/\1 exec "$@" ;;/' \
        -e '/It is not recommended to run ejabberd as root/d' \
        /usr/sbin/ejabberdctl >"$dir/ejabberdctl"
    if ! grep -q '^INSTALLUSER=$' "$dir/ejabberdctl" ||
        ! grep -q 'as_current_user) exec "\$@" ;;' "$dir/ejabberdctl"; then
        xgb_die "cannot adapt /usr/sbin/ejabberdctl (format changed?)"
    fi
    chmod 0755 "$dir/ejabberdctl"
    cp /etc/ejabberd/inetrc "$dir/inetrc"
    xgb_openssl_cnf "$dir/openssl.cnf"

    XGB_CLASH_LOGS=("$dir/log/console.log" "$dir/log/ejabberd.log" "$dir/log/error.log")
    local node cookie
    node="xgb$(xgb_random 10 | tr '[:upper:]' '[:lower:]')@localhost"
    cookie=$(xgb_random 32)
    XGB_TEST_DOMAIN=$domain

    for attempt in 1 2 3 4 5; do
        rm -rf "$dir/log" "$dir/spool"
        mkdir -p "$dir/log" "$dir/spool"
        ports=$(xgb_pick_ports 3)
        # test hook for the retry path: force the first attempt's ports
        [ "$attempt" = 1 ] && [ -n "${XGB_FIRST_PORTS:-}" ] && ports=$XGB_FIRST_PORTS
        read -r XGB_TEST_PORT XGB_TEST_CERT_PORT dist_port <<<"$ports"
        sed -e "s|@DIR@|$(xgb_sed_esc "$dir")|g" -e "s|@DOMAIN@|$domain|g" \
            -e "s|@C2S_PORT@|$XGB_TEST_PORT|g" \
            -e "s|@C2S_PORT_CERT@|$XGB_TEST_CERT_PORT|g" \
            -e "s|@LOGLEVEL@|$LOGLEVEL|g" \
            "$here/ejabberd.yml.in" >"$dir/ejabberd.yml"
        # epmd-less distribution on a private port, listening on loopback;
        # -kernel here instead of INET_DIST_INTERFACE (which costs an extra
        # erl run in every ejabberdctl call).
        cat >"$dir/ejabberdctl.cfg" <<EOF
ERLANG_NODE=$node
ERL_DIST_PORT=$dist_port
ERL_OPTIONS="-env ERL_CRASH_DUMP_BYTES 0 -setcookie $cookie -kernel inet_dist_use_interface {127,0,0,1}"
EJABBERD_BYPASS_WARNINGS=true
EJABBERD_PID_PATH=$dir/ejabberd.pid
CONTRIB_MODULES_PATH=$dir/contrib
CONTRIB_MODULES_CONF_DIR=$dir/contrib/conf
EOF
        chmod 0600 "$dir/ejabberdctl.cfg"
        rc=0
        launch || rc=$?
        [ "$rc" = 0 ] && break
        if [ "$rc" = 3 ] || { [ "$rc" = 2 ] && grep -qsiE "$XGB_CLASH_RE" "${XGB_CLASH_LOGS[@]}"; }; then
            echo "ejabberd.sh: port clash, retrying with other ports" >&2
            continue
        fi
        [ "$rc" = 1 ] && echo "ejabberd.sh: c2s did not answer within ${START_TIMEOUT}s" >&2
        [ "$rc" = 2 ] && echo "ejabberd.sh: ejabberd exited during start" >&2
        log_tail
        exit 1
    done
    [ "$rc" = 0 ] || { echo "ejabberd.sh: no free ports after 5 attempts" >&2; log_tail; exit 1; }
    write_env
}

load_env() {
    [ -s "$dir/server.env" ] || xgb_die "$dir/server.env missing (not started?)"
    # shellcheck source=/dev/null
    . "$dir/server.env"
}

do_stop() {
    xgb_stop_tree "$dir/server.pid" "$STOP_TIMEOUT"
    rm -f "$dir/ejabberd.pid"
}

do_kill() {
    xgb_kill_tree "$dir/server.pid"
    rm -f "$dir/ejabberd.pid"
}

do_restart() {
    load_env
    do_stop
    launch || {
        echo "ejabberd.sh: restart failed" >&2
        log_tail
        exit 1
    }
}

do_register() {
    [ $# -eq 2 ] || usage
    load_env
    local out
    if ! out=$(ctl register "$1" "$XGB_TEST_DOMAIN" "$2" 2>&1); then
        echo "ejabberd.sh: register $1@$XGB_TEST_DOMAIN failed: $out" >&2
        exit 1
    fi
}

case $cmd in
    start) do_start "$@" ;;
    stop) do_stop ;;
    kill) do_kill ;;
    restart) do_restart ;;
    register) do_register "$@" ;;
    ctl) load_env; ctl "$@" ;;
    *) usage ;;
esac
