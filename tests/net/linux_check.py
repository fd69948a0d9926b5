#!/usr/bin/python3
"""Linux's side of the lib/net cross-check (tests/net/linux_check.sh runs it
in the network namespace it created, while tests/net/linux_peer runs the
lib/net stack at 169.254.60.60 on the other end of the veth pair).

Linux pings the stack with a ping socket (the kernel verifies the echo
reply's checksum before delivering it), exchanges UDP datagrams with it on a
socket bound to 169.254.50.50:7001 (checksums verified: rx offload is off),
checks that the copies lib/net's peer sent with a broken checksum were
dropped and counted in /proc/net/snmp (so the checks above did check), and
that Linux's neighbour table learned the stack's MAC through ARP.
Prints PASS/FAIL lines. """
import socket
import struct
import subprocess
import sys
import time

STACK = "169.254.60.60"
LINUX = "169.254.50.50"


def udp_checksum_errors():
    with open("/proc/net/snmp") as snmp:
        lines = [line.split() for line in snmp if line.startswith("Udp:")]
    return int(lines[1][lines[0].index("InCsumErrors")])


def ping(timeout):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP)
    sock.settimeout(0.3)
    deadline = time.time() + timeout
    sequence = 0
    while time.time() < deadline:
        sequence += 1
        sock.sendto(struct.pack("!BBHHH", 8, 0, 0, 0, sequence) + b"linux-ping", (STACK, 0))
        try:
            data, source = sock.recvfrom(2048)
        except socket.timeout:
            continue
        if source[0] == STACK and data[0] == 0 and data[8:] == b"linux-ping":
            return sequence
    return 0


def main():
    status = 0
    errors_before = udp_checksum_errors()
    answered = ping(10)
    print(("PASS" if answered else "FAIL") +
          f" linux cross-check: Linux pings lib/net at {STACK} (answered at attempt {answered})")
    status |= not answered

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((LINUX, 7001))
    sock.settimeout(0.3)
    echoed = from_nonos = broken = 0
    deadline = time.time() + 4
    while time.time() < deadline:
        if not echoed:
            sock.sendto(b"from-linux", (STACK, 7000))
        try:
            data, source = sock.recvfrom(2048)
        except socket.timeout:
            continue
        echoed += data == b"from-linux" and source == (STACK, 7000)
        from_nonos += data == b"from-nonos" and source[0] == STACK
        broken += data == b"From-nonos"
    dropped = udp_checksum_errors() - errors_before
    ok = echoed > 0
    print(("PASS" if ok else "FAIL") + " linux cross-check: a Linux UDP datagram reaches lib/net and its echo "
          "comes back")
    ok2 = from_nonos > 0 and broken == 0 and dropped > 0
    print(("PASS" if ok2 else "FAIL") + f" linux cross-check: Linux accepts lib/net's UDP checksums ({from_nonos} "
          f"datagrams) and drops the copies with a broken one ({dropped} counted in InCsumErrors, {broken} let through)")
    neighbours = subprocess.run(["ip", "neigh", "show", STACK], capture_output=True, text=True).stdout
    ok3 = "lladdr" in neighbours
    print(("PASS" if ok3 else "FAIL") + f" linux cross-check: Linux resolved lib/net's MAC by ARP ({neighbours.strip()})")
    return int(status or not ok or not ok2 or not ok3)


if __name__ == "__main__":
    sys.exit(main())
