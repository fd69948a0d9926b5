#!/bin/sh
# The virtio driver capsules end to end (docs/drivers.md, "virtio-rng",
# "virtio-net", "Restart"): one boot of the test image (build/test/
# nonos-test.img) with QEMU's intel-iommu (interrupt remapping on),
# virtio-rng-pci and virtio-net-pci (modern only, behind the IOMMU), the
# NIC's backend a UDP socket on loopback (tests/qemu/boot.sh QEMU_NET=socket;
# never slirp) whose other end is tests/qemu/netif_peer.py, which echoes the
# guest's test frames (EtherType 0x88b5, no IP address at all).
#
# Checked, from the serial log, the host program's log and the shell:
#   virtio-rng: fed the kernel generator (random_add accepted 64 bytes) with
#     its device's DMA confined; a client (tests/capsules/virtio-client)
#     read entropy over nonos.entropy;
#   virtio-net: MAC address and link up; the client attached through
#     nonos.netif and got 16 echoes of 64- and 1,514-byte frames, up to 8 in
#     flight, none bad; the host received them (both sizes) and echoed them;
#   `kill virtio-net` at the shell: init restarts it, the client attaches
#     again (session 2) and traffic resumes (16 more echoes; the host sees
#     session 2 frames); `ps` shows the new driver process;
#   no DMA fault and no refused call by either driver in the audit log;
#   five more kills within the minute: init gives up (console and the audit
#     log's restart record through the shell's `audit`).
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
. tests/lib.sh
suite_require clang ld.lld lld-link sgdisk mkfs.fat mcopy python3
suite_require_qemu

mkdir -p build/tests
work=$(mktemp -d build/tests/virtio.XXXXXX)
log=$work/serial.log
peer_log=$work/peer.log
if ! make -s -j2 build/test/nonos-test.img; then
    echo "FAIL virtio: test image build failed"
    exit 1
fi
cp build/test/nonos-test.img "$work/nonos-test.img"

failed=0
check() { # check STATUS NAME [REASON]
    if [ "$1" -eq 0 ]; then
        echo "PASS virtio: $2"
    else
        echo "FAIL virtio: $2: ${3:-see $log}"
        failed=1
    fi
}
lines() { tr -d '\r' <"$log"; }
# One number: the peer's frames of session $1 (0 also when its log is
# unreadable, which fails the checks that want 16 or more).
frames() {
    count=$(grep -c "^frame session=$1 .*from=52:54:00:12:34:56" "$peer_log" 2>/dev/null)
    echo "${count:-0}"
}

# Two free UDP ports on loopback: QEMU's and the host program's.
ports=$(python3 -c '
import socket
s = [socket.socket(socket.AF_INET, socket.SOCK_DGRAM) for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
set -- $ports
peer_port=$1 qemu_port=$2
python3 tests/qemu/netif_peer.py --listen "127.0.0.1:$peer_port" --peer "127.0.0.1:$qemu_port" \
    --log "$peer_log" --seconds 420 &
peer_job=$!
export SERIAL_INPUT="$work/serial.in" QEMU_NET=socket QEMU_NET_REMOTE_PORT=$peer_port QEMU_NET_LOCAL_PORT=$qemu_port
qemu_start "$work/nonos-test.img" "$log" 420
trap 'qemu_stop; kill $peer_job 2>/dev/null; wait $peer_job 2>/dev/null' EXIT
run() { qemu_command "$log" "$1" 30; _status=$?; answer=$QEMU_ANSWER; return $_status; }
has() { printf '%s\n' "$answer" | grep -aqE -- "$1"; }

if ! qemu_wait_for "$log" 'nonos> ' 240; then
    check 1 "prompt appears" "no prompt within 240 s (log: $log)"
    exit 1
fi
grep -aq 'IOMMU on with interrupt remapping' "$log"
check $? "the kernel found the IOMMU (interrupt remapping on)"

qemu_wait_for "$log" 'virtio-rng: [0-9a-f:.]+: fed 64 bytes to the kernel generator' 60 &&
    lines | grep -aqE 'virtio-rng \(process [0-9]+\) device: given pci:1af4:1044 at .*DMA confined'
check $? "virtio-rng: its device given with DMA confined; 64 device bytes accepted by random_add"
# init starts virtio-client at boot; if the drivers had not registered yet
# it gave up at once (it never polls): start it again once they have.
qemu_wait_for "$log" 'virtio-client: (attached|.*giving up)' 60
if grep -aq 'virtio-client: .*giving up' "$log"; then
    qemu_wait_for "$log" 'names: nonos.entropy registered' 60 && qemu_wait_for "$log" 'names: nonos.netif registered' 60
    run "run virtio-client"
fi
qemu_wait_for "$log" 'virtio-client: entropy (ok|BAD)' 120 && grep -aq 'virtio-client: entropy ok: ' "$log"
check $? "nonos.entropy: a client allowed by its manifest read two different 32-byte draws" \
    "$(lines | grep -a 'virtio-client: entropy')"

lines | grep -aqE 'virtio-net: [0-9a-f:.]+: mac 52:54:00:12:34:56, link up'
check $? "virtio-net: the device's MAC address and link status read"
qemu_wait_for "$log" 'virtio-client: session 1: 16 frames echoed' 120 &&
    lines | grep -aq 'virtio-client: attached (session 1, mac 52:54:00:12:34:56, link up)' &&
    lines | grep -aqE 'virtio-client: session 1: 16 frames echoed .*, bad 0,'
check $? "netif: the client attached and 16 frames of 64 and 1514 bytes came back intact" \
    "$(lines | grep -a 'virtio-client:' | tail -3)"
n1=$(frames 1)
grep -q "^frame session=1 .* length=64 " "$peer_log" && grep -q "^frame session=1 .* length=1514 " "$peer_log" &&
    [ "$n1" -ge 16 ]
check $? "host: received $n1 session-1 frames of both sizes from the guest over the loopback socket and echoed them"

run "kill virtio-net"
old_id=$(printf '%s\n' "$answer" | sed -n 's/^killed process \([0-9]*\)$/\1/p')
[ -n "$old_id" ]
check $? "shell: kill virtio-net killed the driver (process ${old_id:-none})" "$answer"
qemu_wait_for "$log" 'virtio-client: session 2: 16 frames echoed' 120 &&
    lines | grep -aq "init: virtio-net (process $old_id) was killed by a supervisor" &&
    lines | grep -aq 'virtio-client: session 1 ended; attaching again' &&
    lines | grep -aqE 'virtio-client: session 2: 16 frames echoed .*, bad 0,'
check $? "restart: init restarted virtio-net, the client attached again and traffic resumed" \
    "$(lines | grep -a 'virtio-client:\|init: .*virtio-net' | tail -5)"
sleep 2
n2=$(frames 2)
[ "$n2" -ge 16 ]
check $? "host: $n2 frames of the second session after the restart"
run "ps"
new_id=$(printf '%s\n' "$answer" | sed -n 's/^ *\([0-9][0-9]*\)  virtio-net  *running .*/\1/p')
[ -n "$new_id" ] && [ "$new_id" != "$old_id" ] && has "^ +[0-9]+  virtio-rng +running "
check $? "ps: virtio-rng running, virtio-net running again as process ${new_id:-none}" "$answer"

denials=$(lines | grep -aE 'audit: #[0-9]+ virtio-(rng|net) \(process [0-9]+\) (denied|dma fault)')
[ -z "$denials" ] && ! lines | grep -aq 'dma fault'
check $? "no DMA fault and no refused call by the drivers in the audit log" "$denials"

# The restart limit: five more kills within the minute; the sixth end is
# not restarted, and the audit log says so.
for _ in 1 2 3 4 5; do
    qemu_wait_for "$log" "init: started virtio-net" 30
    id=""
    for _try in 1 2 3 4 5 6 7 8 9 10; do
        run "ps"
        id=$(printf '%s\n' "$answer" | sed -n 's/^ *\([0-9][0-9]*\)  virtio-net  *running .*/\1/p')
        [ -n "$id" ] && break
        sleep 1
    done
    [ -n "$id" ] && run "kill $id"
done
qemu_wait_for "$log" 'init: virtio-net ended 6 times within a minute; it stays stopped' 30
gave_up=$?
run "audit"
[ "$gave_up" -eq 0 ] && has 'process [0-9]+ \(virtio-net\) restart: init gave up: ended 6 times within a minute' &&
    has "process $old_id \(virtio-net\) restart: restarted by init"
check $? "restart limit: the sixth end within a minute leaves virtio-net stopped; the audit log records each restart and the giving up" \
    "$(printf '%s\n' "$answer" | grep -a restart | tail -3)"

run "poweroff"
qemu_status
[ "$failed" -eq 0 ] && rm -rf "$work"
exit 0
