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
"""
import argparse
import ipaddress
import socket
import struct
import sys
import time

ETHERTYPE_TEST = 0x88B5
MAGIC = b"NONOSNETIF"
HOST_MAC = bytes([0x02, 0x00, 0x00, 0x00, 0x00, 0x02])


def loopback(text):
    host, port = text.rsplit(":", 1)
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError("only loopback addresses: " + text)
    return host, int(port)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=loopback, required=True)
    parser.add_argument("--peer", type=loopback, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--seconds", type=float, default=300)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(args.listen)
    sock.settimeout(0.5)
    end = time.monotonic() + args.seconds
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
