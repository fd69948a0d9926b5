#!/usr/bin/env python3
"""The host side of the virtio-net test (suite 55-virtio, docs/drivers.md).

QEMU's socket network backend (-netdev socket,udp=HOST:PORT,localaddr=...)
carries each Ethernet frame of the guest's NIC as one UDP datagram. This
program is the other end of that wire, on loopback only: it receives the
guest's frames on --listen and echoes every test frame (EtherType 0x88b5,
the IEEE's local experimental type, payload starting with NONOSNETIF) back
to --peer with the MAC addresses swapped and its own source MAC (a locally
administered one). No IP address is used at all. One line per frame goes to
--log: "frame session=A sequence=S length=L from=MAC"; other frames are
logged as "other length=L type=T". Runs for --seconds, or until killed.

For make bench-net (tests/qemu/bench-net.sh) it also serves the bench
client's frames (payload starting with NONOSBENCH, then a kind byte): kind 1
is counted and dropped; kind 2 (a 4-byte count and a 4-byte size follow)
makes it send that many frames of that size (kind 4) to the sender, 16 at
a time with a 2 ms pause (the guest's RX ring has 32 slots), then three
end markers (kind 3, with the same count and size).
"""
import argparse
import ipaddress
import socket
import struct
import sys
import time

ETHERTYPE_TEST = 0x88B5
MAGIC = b"NONOSNETIF"
BENCH = b"NONOSBENCH"
HOST_MAC = bytes([0x02, 0x00, 0x00, 0x00, 0x00, 0x02])


def loopback(text):
    host, port = text.rsplit(":", 1)
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError("only loopback addresses: " + text)
    return host, int(port)


def bench_serve(sock, peer, frame, log, counts):
    kind = frame[24]
    source = frame[6:12]
    if kind == 1:
        counts[len(frame)] = counts.get(len(frame), 0) + 1
        if counts[len(frame)] % 500 == 0:
            log.write("bench sink length=%d frames=%d\n" % (len(frame), counts[len(frame)]))
        return
    if kind != 2:
        return
    count, size = struct.unpack_from("<II", frame, 25)
    size = max(33, min(size, 1514))
    data = source + HOST_MAC + frame[12:24] + bytes([4]) + bytes(size - 25)
    for i in range(count):
        sock.sendto(data, peer)
        if i % 16 == 15:
            time.sleep(0.002)
    end = source + HOST_MAC + frame[12:24] + bytes([3]) + struct.pack("<II", count, size) + bytes(64 - 33)
    for _ in range(3):
        time.sleep(0.01)
        sock.sendto(end, peer)
    log.write("bench sent count=%d size=%d\n" % (count, size))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=loopback, required=True)
    parser.add_argument("--peer", type=loopback, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--seconds", type=float, default=300)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    # Room for a whole bench burst (2,000 frames of 1,514 bytes) while this
    # program is busy: a guest under -icount sends faster than it reads.
    for option in (getattr(socket, "SO_RCVBUFFORCE", None), socket.SO_RCVBUF):
        try:
            if option is not None:
                sock.setsockopt(socket.SOL_SOCKET, option, 16 << 20)
                break
        except OSError:
            continue
    sock.bind(args.listen)
    sock.settimeout(0.5)
    end = time.monotonic() + args.seconds
    counts = {}
    with open(args.log, "a", buffering=1) as log:
        log.write("listening on %s:%d\n" % args.listen)
        while time.monotonic() < end:
            try:
                frame, _ = sock.recvfrom(65536)
            except socket.timeout:
                continue
            if len(frame) < 32:
                log.write("other length=%d\n" % len(frame))
                continue
            (ethertype,) = struct.unpack_from(">H", frame, 12)
            if ethertype == ETHERTYPE_TEST and frame[14:24] == BENCH and len(frame) >= 33:
                bench_serve(sock, args.peer, frame, log, counts)
                continue
            if ethertype != ETHERTYPE_TEST or frame[14:24] != MAGIC:
                log.write("other length=%d type=%04x\n" % (len(frame), ethertype))
                continue
            session, sequence = struct.unpack_from("<II", frame, 24)
            source = frame[6:12]
            log.write("frame session=%d sequence=%d length=%d from=%s\n"
                      % (session, sequence, len(frame), source.hex(":")))
            sock.sendto(source + HOST_MAC + frame[12:], args.peer)
    return 0


if __name__ == "__main__":
    sys.exit(main())
