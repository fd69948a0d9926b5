#!/bin/sh
# lib/net (packet codecs and the IPv4 stack): codec unit tests against
# hand-checked packets and the stack tests (two stacks back to back, a
# simulated DHCP server) under ASan + UBSan; the codecs against scapy in the
# same run; the stack against Linux on a veth pair in a network namespace
# made for the test; the malformed-input corpus with the exact error of each case; a
# freestanding build with the kernel's flags that needs nothing outside
# lib/; and a 5-second smoke run of each lib/net fuzz target.
set -u
. tests/lib.sh
suite_require clang llvm-nm /usr/bin/python3
bin=build/host-san/tests/net
status=0

if ! make -s -j2 net-tests; then
    echo "FAIL net: build failed"
    exit 1
fi
$bin/codec_test || status=1
$bin/stack_test || status=1
$bin/corpus --check tests/corpus/net || status=1
/usr/bin/python3 tests/net/scapy_check.py $bin/codec_test || status=1
# Against Linux's ARP, ICMP and UDP on a veth pair in a namespace of its own.
sh tests/net/linux_check.sh $bin/linux_peer || status=1

# lib/net in the kernel: nothing but itself and memmove/memset (lib/base/mem.c).
suite_check_freestanding "lib/net" kernel $(make -s --no-print-directory print-NET_SRCS)

for target in ethernet arp ipv4 udp icmp dhcp stack; do
    log=build/test-logs/fuzz-net-$target.log
    mkdir -p build/test-logs
    if make -s "fuzz-net-$target" FUZZ_SECONDS=5 >"$log" 2>&1; then
        runs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1)
        if [ -n "$runs" ] && [ "$runs" -gt 0 ]; then
            echo "PASS fuzz-net-$target smoke run (5 s, $runs inputs, no crash)"
        else
            echo "FAIL fuzz-net-$target: finished without reporting any run (see $log)"
            status=1
        fi
    else
        echo "FAIL fuzz-net-$target: build failed or the fuzzer crashed (see $log)"
        status=1
    fi
done
exit $status
