#!/usr/bin/env python3
"""A hostile peer for suite 28-mesh-node (docs/mesh.md, "Hosted node").

Sends only to loopback or to the beacon multicast group on the loopback
interface (the suite runs inside a network namespace of its own).

  init-flood ADDR:PORT N     N INIT-shaped datagrams (type 1, random e and
                             index, zero padding) from one socket
  garbage ADDR:PORT N        N datagrams of random length (1..1500) and bytes
  beacon-junk GROUP:PORT N   N 155-byte beacons with the right magic and
                             random rest (no proof of work)
  beacon-replay GROUP:PORT N [SKIP]
                             waits for one real beacon on the group, then
                             sends it N more times; prints its sender port
  beacon-forged GROUP:PORT N [SKIP]
                             waits for one real beacon, changes its port
                             field (bytes 81..82), adds 1 to its time (so it
                             is not stale) and sends it N times
  SKIP is the port of the node under test: its own beacons are not taken
  (it would count their copies as its own, not as replays or forgeries).
"""
import ipaddress
import os
import socket
import struct
import sys
import time


def endpoint(text, multicast=False):
    host, port = text.rsplit(":", 1)
    address = ipaddress.ip_address(host)
    if not (address.is_loopback or (multicast and address.is_multicast)):
        sys.exit("node_peer: only loopback or a multicast group: " + text)
    return host, int(port)


def sender(multicast):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    if multicast:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton("127.0.0.1"))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
    sock.bind(("127.0.0.1", 0))
    return sock


def capture_beacon(group, skip_port):
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(group)
    sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                    socket.inet_aton(group[0]) + socket.inet_aton("127.0.0.1"))
    sock.settimeout(10)
    while True:
        data, source = sock.recvfrom(2048)
        if len(data) != 155 or data[:4] != b"NMB\x01":
            continue
        if struct.unpack_from("<H", data, 81)[0] != skip_port:
            return data, source


def pace(index):
    """A pause every 100 datagrams: the point is the node's refusal, not the
    kernel's drop of a full socket buffer (which would hide it)."""
    if index % 100 == 99:
        time.sleep(0.005)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    command, target, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    skip_port = int(sys.argv[4]) if len(sys.argv) == 5 else 0
    multicast = command.startswith("beacon")
    destination = endpoint(target, multicast)
    sock = sender(multicast)
    if command == "init-flood":
        for index in range(count):
            pace(index)
            packet = b"\x01\x00\x00\x00" + os.urandom(32) + os.urandom(4) + bytes(108)
            sock.sendto(packet, destination)
    elif command == "garbage":
        for index in range(count):
            pace(index)
            length = 1 + int.from_bytes(os.urandom(2), "little") % 1500
            packet = bytearray(os.urandom(length))
            if packet[0] in (1, 2, 3, 4):
                packet[0] = 0x55  # not a type: exact refusal, no handshake work
            sock.sendto(bytes(packet), destination)
    elif command == "beacon-junk":
        for index in range(count):
            pace(index)
            sock.sendto(b"NMB\x01" + os.urandom(151), destination)
    elif command in ("beacon-replay", "beacon-forged"):
        beacon, source = capture_beacon(destination, skip_port)
        if command == "beacon-forged":
            port = struct.unpack_from("<H", beacon, 81)[0]
            time = struct.unpack_from("<Q", beacon, 83)[0]
            beacon = beacon[:81] + struct.pack("<HQ", port ^ 0x5555, time + 1) + beacon[91:]
        for _ in range(count):
            sock.sendto(beacon, destination)
        print(struct.unpack_from("<H", beacon, 81)[0])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
