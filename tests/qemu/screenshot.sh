#!/bin/sh
# `make screenshot`: boots the real image (tests/qemu/boot.sh, standard VGA,
# no window), waits for the `nonos>` prompt on COM1, types `help` and
# `measure` so the picture shows the console at work, and has QEMU's
# monitor `screendump` the screen as PNG into docs/console.png (the README's
# picture).
#   tests/qemu/screenshot.sh IMAGE OUTPUT.png
set -u
cd "$(dirname "$0")/../.." || exit 2
. tests/qemu/lib.sh
image=${1:-build/nonos.img} output=${2:-docs/console.png}
work=build/screenshot
mkdir -p "$work"
rm -f "$work/console.png"
log=$work/serial.log
export SERIAL_INPUT=$work/serial.in MONITOR_INPUT=$work/monitor.in
qemu_start "$image" "$log" 180 2>>"$work/qemu.err"
trap 'qemu_stop' EXIT
if ! qemu_wait_for "$log" 'nonos> ' 170; then
    echo "screenshot: no nonos> prompt within 170 s (log: $log)" >&2
    exit 1
fi
sleep 1
qemu_type help
sleep 3 # the answer is drawn and the next prompt is up
qemu_type measure
sleep 3
printf 'screendump %s -f png\n' "$work/console.png" >"$MONITOR_INPUT"
for _ in 1 2 3 4 5 6 7 8 9 10; do
    [ -s "$work/console.png" ] && break
    sleep 0.5
done
sleep 0.5 # the dump is written in one go, but let it finish
if ! [ -s "$work/console.png" ] || [ "$(head -c 4 "$work/console.png" | od -An -c | tr -d ' ')" != '211PNG' ]; then
    echo "screenshot: QEMU wrote no PNG (monitor: $(cat "$MONITOR_INPUT.log" 2>/dev/null | tr -d '\r' | tail -n 3))" >&2
    exit 1
fi
cp "$work/console.png" "$output"
echo "screenshot: $output ($(wc -c <"$output") bytes)"
