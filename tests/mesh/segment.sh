# Shell helpers for tests that build a mesh segment on loopback: nonos-hub
# and hosted nodes on its frame link (docs/mesh.md, "One segment"). Source
# it from the repository root: . tests/mesh/segment.sh
#
#   segment_start HUB_PORT COUNT DIR [NODE_OPTION...]
#            starts build/host-san/tools/nonos-node/nonos-hub on
#            127.0.0.1:HUB_PORT (for at most SEGMENT_SECONDS, default 300)
#            and COUNT hosted nodes attached to it with control sockets
#            DIR/c1..DIR/cCOUNT, logs DIR/node1.err...; sets SEGMENT_PIDS.
#            A QEMU guest joins the same segment with
#              -netdev socket,id=mesh0,udp=127.0.0.1:HUB_PORT,localaddr=127.0.0.1:FREE_PORT
#   segment_wait COUNT DIR NEIGHBOURS TRIES
#            waits (TRIES x 0.5 s at most) until each of the COUNT nodes has
#            a 169.254/16 address, at least NEIGHBOURS neighbours heard by
#            beacon and a session; sets SEGMENT_READY to how many are
#   segment_ctl DIR N COMMAND...   one control command to node N, first answer line
#   segment_stop   SIGTERM to every process segment_start started, and wait
#   segment_json_true FILTER   true when stdin is non-empty JSON for which
#            the jq FILTER is true (jq -e alone passes on empty input)
SEGMENT_NODE=${SEGMENT_NODE:-build/host-san/tools/nonos-node/nonos-node}
SEGMENT_HUB=${SEGMENT_HUB:-build/host-san/tools/nonos-node/nonos-hub}

segment_start() {
    _port=$1 _count=$2 _dir=$3
    shift 3
    "$SEGMENT_HUB" --listen "127.0.0.1:$_port" --seconds "${SEGMENT_SECONDS:-300}" 2>"$_dir/hub.err" &
    SEGMENT_PIDS=$!
    _i=1
    while [ "$_i" -le "$_count" ]; do
        "$SEGMENT_NODE" --hub "127.0.0.1:$_port" --control "$_dir/c$_i" "$@" 2>"$_dir/node$_i.err" &
        SEGMENT_PIDS="$SEGMENT_PIDS $!"
        _i=$((_i + 1))
    done
}

segment_ctl() {
    _dir=$1 _n=$2
    shift 2
    timeout 15 "$SEGMENT_NODE" ctl "$_dir/c$_n" "$@" 2>/dev/null | sed 1q
}

segment_json_true() {
    _json=$(cat)
    [ -n "$_json" ] && printf '%s\n' "$_json" | jq -e "$1" >/dev/null 2>&1
}

segment_wait() {
    _count=$1 _dir=$2 _neighbours=$3 _tries=$4
    while [ "$_tries" -gt 0 ]; do
        SEGMENT_READY=0
        _i=1
        while [ "$_i" -le "$_count" ]; do
            if segment_ctl "$_dir" "$_i" status | segment_json_true \
                "(.address | startswith(\"169.254.\")) and .neighbours >= $_neighbours and .sessions >= 1"; then
                SEGMENT_READY=$((SEGMENT_READY + 1))
            fi
            _i=$((_i + 1))
        done
        [ "$SEGMENT_READY" -eq "$_count" ] && return 0
        sleep 0.5
        _tries=$((_tries - 1))
    done
    return 1
}

segment_stop() {
    for _pid in ${SEGMENT_PIDS:-}; do kill -TERM "$_pid" 2>/dev/null; done
    for _pid in ${SEGMENT_PIDS:-}; do wait "$_pid" 2>/dev/null; done
    SEGMENT_PIDS=""
}
