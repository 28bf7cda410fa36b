# shellcheck shell=bash
# Helpers shared by ejabberd.sh, prosody.sh and with-server.sh (sourced).

# xgb_die MESSAGE...: print to stderr and exit 1
xgb_die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# xgb_pick_ports N: print N distinct loopback TCP ports that are free right
# now (bind test), random in 20000..32767 (below Linux' ephemeral range, so
# outgoing connections do not take them).  A race with another process is
# still possible: callers retry the start with new ports.
xgb_pick_ports() {
    local n=$1 py
    py=$(command -v /usr/bin/python3 || command -v python3 || true)
    if [ -n "$py" ]; then
        "$py" - "$n" <<'EOF'
import random, socket, sys
n = int(sys.argv[1])
got = []
while len(got) < n:
    p = random.randint(20000, 32767)
    if p in got:
        continue
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        continue
    finally:
        s.close()
    got.append(p)
print(" ".join(map(str, got)))
EOF
    else
        # No python: a refused connect means nobody listens there.
        local got=() p
        while [ "${#got[@]}" -lt "$n" ]; do
            p=$((20000 + RANDOM % 12768))
            [[ " ${got[*]} " == *" $p "* ]] && continue
            if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
                got+=("$p")
            fi
        done
        echo "${got[*]}"
    fi
}

# xgb_probe HOST PORT DOMAIN: 0 if an XMPP server answers a stream header on
# HOST:PORT with stream features offering STARTTLS (reads at most ~3 s).
xgb_probe() (
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "<?xml version='1.0'?><stream:stream to='%s' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>" "$3" >&3
    buf=
    deadline=$((SECONDS + 3))
    # shellcheck disable=SC2030
    while [ "$SECONDS" -le "$deadline" ] && IFS= read -r -t 1 -d '>' -u 3 chunk; do
        buf+="$chunk>"
        case $buf in *"</stream:features>"*) break ;; esac
    done
    printf '</stream:stream>' >&3 2>/dev/null || true
    exec 3>&-
    case $buf in *"urn:ietf:params:xml:ns:xmpp-tls"*) exit 0 ;; esac
    exit 1
) 2>/dev/null

# Logs that xgb_wait_xmpp watches for a port clash (set by the caller)
XGB_CLASH_LOGS=()
XGB_CLASH_RE='eaddrinuse|address already in use|Failed to open server port'

# xgb_wait_xmpp TIMEOUT_S PID HOST DOMAIN PORT...: wait until every PORT
# answers xgb_probe.  Returns 0 ok, 1 timeout, 2 process PID is gone,
# 3 a port clash was logged (in XGB_CLASH_LOGS).
# shellcheck disable=SC2031
xgb_wait_xmpp() {
    local timeout=$1 pid=$2 host=$3 domain=$4 port ok
    shift 4
    local deadline=$((SECONDS + timeout))
    while [ "$SECONDS" -lt "$deadline" ]; do
        if [ "${#XGB_CLASH_LOGS[@]}" -gt 0 ] &&
            grep -qsiE "$XGB_CLASH_RE" "${XGB_CLASH_LOGS[@]}"; then
            return 3
        fi
        xgb_alive "$pid" || return 2
        ok=1
        for port in "$@"; do
            xgb_probe "$host" "$port" "$domain" || { ok=0; break; }
        done
        [ "$ok" = 1 ] && return 0
        sleep 0.1
    done
    return 1
}

# xgb_alive PID...: 0 if at least one PID exists and is not a zombie
xgb_alive() {
    local p st
    for p in "$@"; do
        st=$(awk '{print $3}' "/proc/$p/stat" 2>/dev/null) || continue
        [ -n "$st" ] && [ "$st" != Z ] && [ "$st" != X ] && return 0
    done
    return 1
}

# xgb_tree PID...: the PIDs and all their descendants (one ps call)
xgb_tree() {
    ps -e -o pid= -o ppid= 2>/dev/null | awk -v roots="$*" '
        { parent[$1] = $2; pids[NR] = $1 }
        END {
            n = split(roots, r, " ")
            for (i = 1; i <= n; i++) { want[r[i]] = 1; print r[i] }
            do {
                more = 0
                for (j = 1; j <= NR; j++) {
                    p = pids[j]
                    if (!(p in want) && (parent[p] in want)) { want[p] = 1; print p; more = 1 }
                }
            } while (more)
        }'
}

# xgb_kill_tree PIDFILE: SIGKILL the process in PIDFILE and its descendants,
# wait until they are gone (bounded), remove PIDFILE.
xgb_kill_tree() {
    local pidfile=$1 pid pids
    [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if xgb_alive "$pid"; then
        pids=$(xgb_tree "$pid")
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
        wait "$pid" 2>/dev/null || true   # reaps it if it is our child
        for _ in $(seq 100); do
            # shellcheck disable=SC2086
            xgb_alive $pids || break
            sleep 0.02
        done
    fi
    rm -f "$pidfile"
}

# xgb_stop_tree PIDFILE TIMEOUT_S: SIGTERM the process in PIDFILE, wait up
# to TIMEOUT_S for it and its descendants to exit, then SIGKILL what is left.
xgb_stop_tree() {
    local pidfile=$1 timeout=$2 pid pids deadline
    [ -s "$pidfile" ] || return 0
    pid=$(cat "$pidfile")
    if xgb_alive "$pid"; then
        pids=$(xgb_tree "$pid")
        kill -TERM "$pid" 2>/dev/null || true
        deadline=$((SECONDS + timeout))
        while [ "$SECONDS" -lt "$deadline" ]; do
            # shellcheck disable=SC2086
            xgb_alive $pids || break
            sleep 0.05
        done
        # shellcheck disable=SC2086
        kill -KILL $pids 2>/dev/null || true
    fi
    rm -f "$pidfile"
}

# xgb_random N: N random alphanumeric characters
xgb_random() {
    local s=
    while [ "${#s}" -lt "$1" ]; do
        s+=$(head -c 64 /dev/urandom | tr -dc 'A-Za-z0-9')
    done
    echo "${s:0:$1}"
}

# xgb_openssl_cnf FILE: an OpenSSL config for the server processes that
# allows everything down to TLS 1.0 at security level 0, so that the TLS
# floor the tests measure is the one of our server configs, not the
# distribution's OpenSSL defaults (OpenSSL 3's level 1 alone rules out
# TLS 1.0/1.1).  Server configs must set their own floor (TLS 1.2).
xgb_openssl_cnf() {
    cat >"$1" <<'EOF'
openssl_conf = openssl_init
[openssl_init]
ssl_conf = ssl_sect
[ssl_sect]
system_default = system_default_sect
[system_default_sect]
MinProtocol = TLSv1
CipherString = DEFAULT@SECLEVEL=0
EOF
}

# xgb_sed_esc STRING: STRING escaped for the replacement side of s|...|...|
xgb_sed_esc() {
    printf '%s' "$1" | sed -e 's/[&|\\]/\\&/g'
}

# xgb_env_line KEY=VALUE: print a shell-sourceable KEY=VALUE line
xgb_env_line() {
    if [ -z "${1#*=}" ]; then
        printf '%s=\n' "${1%%=*}"
    else
        printf '%s=%q\n' "${1%%=*}" "${1#*=}"
    fi
}
