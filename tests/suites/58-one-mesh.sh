#!/bin/sh
# One mesh (issue 13 item 5, docs/mesh.md "One mesh"): 2 QEMU-booted NØNOS
# nodes (the system image: virtio-net behind QEMU's intel-iommu, the net
# capsule, the mesh capsule) and 10 hosted nonos-node in frame mode on one
# virtual Ethernet segment, nonos-hub on loopback (QEMU's socket backend
# with udp=, one frame per datagram). Nobody is given an address: every
# node claims a 169.254/16 address and finds the others by LAN beacons.
# Checked: each node started; the hosted nodes see the guests as
# neighbours; a record put by a hosted node is found by each guest (`mesh
# get` typed on its serial console) and records put by each guest are found
# by hosted nodes and by the other guest; the mesh capsule's policy (mesh
# only) leaves 10.0.0.1 without a route; the shell (no network policy) is
# refused a socket; malformed `mesh` lines get their error and store
# nothing. Traffic stays on 127.0.0.1.
set -u
. tests/lib.sh
. tests/qemu/lib.sh
. tests/mesh/segment.sh
suite_require clang
suite_require jq
suite_require_qemu
if ! make -s -j2 all nonos-node >build/test-logs/58-one-mesh-build.log 2>&1; then
    echo "FAIL one mesh: the image or nonos-node did not build (see build/test-logs/58-one-mesh-build.log)"
    exit 1
fi
SEGMENT_NODE=build/host/tools/nonos-node/nonos-node
SEGMENT_HUB=build/host/tools/nonos-node/nonos-hub
HOSTED=10
work=$(mktemp -d "${TMPDIR:-/tmp}/nonos-one-mesh.XXXXXX")
hub=$((45000 + ($$ % 2000) * 3))
status=0
fail() { echo "FAIL one mesh: $*"; status=1; }

guest_log() { echo "build/test-logs/one-mesh-guest$1.log"; }
guest_boot() {
    export SERIAL_INPUT="$work/serial$1.in"
    QEMU_NET=socket QEMU_NET_REMOTE_PORT=$hub QEMU_NET_LOCAL_PORT=$((hub + $1)) QEMU_NET_MAC=02:00:00:00:58:0$1 \
        qemu_start build/nonos.img "$(guest_log "$1")" 230
    eval "guest_job$1=\$QEMU_JOB"
}
# Selects guest N for qemu_command and qemu_wait_for.
guest() {
    export SERIAL_INPUT="$work/serial$1.in"
    eval "QEMU_JOB=\$guest_job$1"
}
cleanup() {
    for n in 1 2; do guest "$n"; qemu_stop; done
    segment_stop
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p build/test-logs

SEGMENT_SECONDS=240 segment_start "$hub" "$HOSTED" "$work"
started=0
for i in $(seq 1 $HOSTED); do
    tries=40
    while [ $tries -gt 0 ] && [ ! -S "$work/c$i" ]; do sleep 0.25; tries=$((tries - 1)); done
    [ -S "$work/c$i" ] && started=$((started + 1)) || fail "hosted node $i did not start: $(tail -n 2 "$work/node$i.err" | tr '\n' ' ')"
done
[ "$started" -eq "$HOSTED" ] && echo "PASS one mesh: $HOSTED hosted nodes started on the hub at 127.0.0.1:$hub"
guest_boot 1
guest_boot 2
for n in 1 2; do
    guest "$n"
    if qemu_wait_for "$(guest_log "$n")" '(^|nonos> )mesh: node [0-9a-f]+\.\.\. at 169\.254\.' 180 &&
       qemu_wait_for "$(guest_log "$n")" 'nonos> ' 30; then
        echo "PASS one mesh: guest $n started its mesh node: $(grep -ao 'mesh: node .*' "$(guest_log "$n")" | head -n 1 | tr -d '\r')"
    else
        fail "guest $n did not start a mesh node (see $(guest_log "$n"): $(grep -a '^mesh:\|^net:' "$(guest_log "$n")" | tail -n 3 | tr -d '\r' | tr '\n' '|'))"
    fi
done
if ! segment_wait "$HOSTED" "$work" 2 60; then
    fail "only ${SEGMENT_READY:-0} of $HOSTED hosted nodes have an address, neighbours and a session"
fi
[ $status -eq 0 ] || exit 1

# The guests have no wall clock: each adopts the hosted nodes' mesh clock.
for n in 1 2; do
    if qemu_wait_for "$(guest_log "$n")" '(^|nonos> )mesh: mesh clock adopted from a beacon' 20; then
        echo "PASS one mesh: guest $n adopted the mesh clock from an authentic beacon"
    else
        fail "guest $n did not adopt the mesh clock: $(grep -a '^mesh: .*clock' "$(guest_log "$n")" | tr -d '\r')"
    fi
done
# The guests' policy lines.
if grep -aqE '(^|nonos> )mesh: send to 10\.0\.0\.1 \(clearnet\) from the mesh scope: no route, as the policy says' "$(guest_log 1)"; then
    echo "PASS one mesh: the mesh capsule (allow_mesh only) has no route to 10.0.0.1"
else
    fail "the mesh capsule's clearnet probe: $(grep -a 'send to 10.0.0.1' "$(guest_log 1)" | tr -d '\r')"
fi
guest 1
if qemu_command "$(guest_log 1)" "udp 169.254.1.1 9 hello" 20 && echo "$QEMU_ANSWER" | grep -q "^udp: bind: the capsule's policy does not allow this"; then
    echo "PASS one mesh: the shell (no allow_mesh, no allow_clearnet) is refused a socket by nonos.net"
else
    fail "the shell's udp: $(echo "${QEMU_ANSWER:-no answer}" | head -n 3 | tr '\n' '|')"
fi

# Every hosted node hears the two guests and the other hosted nodes.
wanted=$((HOSTED + 1))
ticks=0
while [ $ticks -lt 60 ]; do
    low=0
    for i in $(seq 1 $HOSTED); do
        n=$(segment_ctl "$work" "$i" status | jq -r '.neighbours // 0' 2>/dev/null)
        [ "${n:-0}" -ge "$wanted" ] || low=$((low + 1))
    done
    [ $low -eq 0 ] && break
    sleep 1
    ticks=$((ticks + 1))
done
if [ $low -eq 0 ]; then
    echo "PASS one mesh: every hosted node hears $wanted neighbours by beacon (9 hosted + 2 guests)"
else
    fail "$low hosted nodes hear fewer than $wanted neighbours after 60 s"
fi

# Records across the two kinds of node, each lookup in bounded time.
answer=$(segment_ctl "$work" 3 put hosted-record from-hosted-3)
case "$answer" in stored*) ;; *) fail "hosted node 3 could not put its record: $answer" ;; esac
for n in 1 2; do
    guest "$n"
    found=no
    for attempt in 1 2 3; do
        if qemu_command "$(guest_log "$n")" "mesh get hosted-record" 30 &&
           echo "$QEMU_ANSWER" | grep -q '^mesh: found from-hosted-3'; then
            found=yes
            break
        fi
        sleep 2
    done
    [ $found = yes ] && echo "PASS one mesh: guest $n finds the record a hosted node stored" ||
        fail "guest $n did not find hosted-record: $(echo "${QEMU_ANSWER:-no answer}" | head -n 3 | tr '\n' '|')"
done
for n in 1 2; do
    guest "$n"
    if ! qemu_command "$(guest_log "$n")" "mesh put guest$n-record from-guest-$n" 30 ||
       ! echo "$QEMU_ANSWER" | grep -q '^mesh: stored [1-9]'; then
        fail "guest $n could not put its record: $(echo "${QEMU_ANSWER:-no answer}" | head -n 3 | tr '\n' '|')"
        continue
    fi
    for i in 1 $((5 + n)) $HOSTED; do
        answer=$(segment_ctl "$work" "$i" get "guest$n-record")
        [ "$answer" = "found from-guest-$n" ] || fail "hosted node $i looking up guest$n-record: ${answer:-no answer}"
    done
    other=$((3 - n))
    guest "$other"
    if qemu_command "$(guest_log "$other")" "mesh get guest$n-record" 30 &&
       echo "$QEMU_ANSWER" | grep -q "^mesh: found from-guest-$n"; then
        echo "PASS one mesh: guest $n's record is found by hosted nodes 1, $((5 + n)), $HOSTED and by guest $other"
    else
        fail "guest $other did not find guest$n-record: $(echo "${QEMU_ANSWER:-no answer}" | head -n 3 | tr '\n' '|')"
    fi
done
# Malformed command lines (user/mesh/command.c): each answered with its
# error, nothing stored (the record count stays).
guest 1
records() { qemu_command "$(guest_log 1)" "mesh" 10 && echo "$QEMU_ANSWER" | sed -n 's/^mesh: node .* records \([0-9]*\).*/\1/p' | head -n 1; }
before=$(records)
bad=0
for line in "put guest1-bad:error missing VALUE" "get guest1-record now:error words after the command" \
            "delete guest1-record:error unknown command"; do
    if ! qemu_command "$(guest_log 1)" "mesh ${line%%:*}" 10 || ! echo "$QEMU_ANSWER" | grep -q "^mesh: ${line#*:}"; then
        fail "guest 1: 'mesh ${line%%:*}' not answered '${line#*:}': $(echo "${QEMU_ANSWER:-no answer}" | head -n 2 | tr '\n' '|')"
        bad=1
    fi
done
after=$(records)
if [ $bad -eq 0 ] && [ -n "$before" ] && [ "$before" = "$after" ]; then
    echo "PASS one mesh: malformed mesh commands get their error and store nothing (records $before before and after)"
elif [ $bad -eq 0 ]; then
    fail "guest 1: records ${before:-?} before the malformed commands, ${after:-?} after"
fi
qemu_command "$(guest_log 1)" "mesh" 10 && echo "one mesh: guest 1: $(echo "$QEMU_ANSWER" | grep -a '^mesh:' | head -n 1)"
exit $status
