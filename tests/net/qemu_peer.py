#!/usr/bin/python3
"""The host end of a QEMU guest's virtio-net wire, for the network-stack
capsule's test (tests/net/qemu_check.sh).

QEMU's socket backend (-netdev socket,udp=...,localaddr=...) carries each
Ethernet frame as one UDP datagram on loopback. This peer, built on scapy
(independent of lib/net), is a host at 169.254.77.77 on that segment and a
DHCP server for 10.0.77.0/24:

  1. it learns the guest's link-local address from its ARP announcements
     (sender address = target address, RFC 3927);
  2. it resolves that address by ARP and pings it, checking the echo
     replies (scapy verifies their checksums);
  3. it answers the guest's DHCP DISCOVER and REQUEST with an OFFER and an
     ACK of 10.0.77.50 (lease 600 s).

It prints PASS/FAIL lines for what it saw once everything has been seen (or
a second before --seconds), then goes on answering ARP and echo requests for
169.254.77.77 (the guest shell's `ping`) until --seconds or until killed.
Loopback only. """
import argparse
import ipaddress
import socket
import sys
import time

from scapy.all import ARP, BOOTP, DHCP, ICMP, IP, UDP, Ether, Raw

HOST_MAC = "02:00:00:00:00:77"
HOST_IP = "169.254.77.77"
SERVER_IP = "10.0.77.1"
LEASED_IP = "10.0.77.50"


def loopback(text):
    host, port = text.rsplit(":", 1)
    if not ipaddress.ip_address(host).is_loopback:
        raise argparse.ArgumentTypeError("only loopback addresses: " + text)
    return host, int(port)


class Peer:
    def __init__(self, sock, target):
        self.sock, self.target = sock, target
        self.guest_ip = self.guest_mac = None
        self.arp_answered = False
        self.pings_sent = self.pongs = 0
        self.offers = self.acks = 0
        self.echo_requests = 0

    def send(self, frame):
        data = bytes(frame)
        self.sock.sendto(data + b"\0" * max(0, 60 - len(data)), self.target)

    def arp(self, frame):
        arp = frame[ARP]
        if arp.op == 1 and arp.psrc == arp.pdst and arp.psrc.startswith("169.254."):
            if self.guest_ip is None:
                print(f"peer: the guest announced {arp.psrc} from {arp.hwsrc}", flush=True)
            self.guest_ip, self.guest_mac = arp.psrc, arp.hwsrc
        elif arp.op == 2 and arp.pdst == HOST_IP and arp.psrc == self.guest_ip:
            self.arp_answered = True
        elif arp.op == 1 and arp.pdst == HOST_IP:
            self.send(Ether(dst=arp.hwsrc, src=HOST_MAC) /
                      ARP(op=2, hwsrc=HOST_MAC, psrc=HOST_IP, hwdst=arp.hwsrc, pdst=arp.psrc))

    def dhcp(self, frame):
        options = {o[0]: o[1] for o in frame[DHCP].options if isinstance(o, tuple)}
        kind = {1: "offer", 3: "ack"}.get(options.get("message-type"))
        if kind is None:
            return
        reply = (Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) / IP(src=SERVER_IP, dst="255.255.255.255") /
                 UDP(sport=67, dport=68) /
                 BOOTP(op=2, xid=frame[BOOTP].xid, flags=frame[BOOTP].flags, yiaddr=LEASED_IP,
                       chaddr=frame[BOOTP].chaddr) /
                 DHCP(options=[("message-type", kind), ("server_id", SERVER_IP), ("lease_time", 600),
                               ("subnet_mask", "255.255.255.0"), ("router", SERVER_IP), "end"]))
        self.send(reply)
        if kind == "offer":
            self.offers += 1
        else:
            self.acks += 1

    def receive(self, data):
        frame = Ether(data)
        if ARP in frame:
            self.arp(frame)
        elif DHCP in frame and frame[UDP].dport == 67:
            self.dhcp(frame)
        elif ICMP in frame and frame[ICMP].type == 8 and frame[IP].dst == HOST_IP:
            self.echo_requests += 1
            self.send(Ether(dst=frame[Ether].src, src=HOST_MAC) / IP(src=HOST_IP, dst=frame[IP].src) /
                      ICMP(type=0, id=frame[ICMP].id, seq=frame[ICMP].seq) / Raw(bytes(frame[ICMP].payload)))
        elif ICMP in frame and frame[ICMP].type == 0 and frame[IP].src == self.guest_ip:
            # scapy recomputes the checksum: a frame that fails it does not count
            check = ICMP(bytes(frame[ICMP]))
            stored = check.chksum
            del check.chksum
            if ICMP(bytes(check)).chksum == stored and bytes(frame[Raw].load) == b"nonos-qemu-ping":
                self.pongs += 1

    def poke(self):
        if self.guest_ip is None:
            return
        if not self.arp_answered:
            self.send(Ether(dst="ff:ff:ff:ff:ff:ff", src=HOST_MAC) /
                      ARP(op=1, hwsrc=HOST_MAC, psrc=HOST_IP, pdst=self.guest_ip))
            return
        self.pings_sent += 1
        self.send(Ether(dst=self.guest_mac, src=HOST_MAC) / IP(src=HOST_IP, dst=self.guest_ip) /
                  ICMP(type=8, id=0x4e4e, seq=self.pings_sent) / Raw(b"nonos-qemu-ping"))

    def done(self):
        return self.pongs >= 3 and self.acks >= 1


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--listen", type=loopback, required=True)
    parser.add_argument("--peer", type=loopback, required=True)
    parser.add_argument("--seconds", type=float, default=120)
    args = parser.parse_args()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(args.listen)
    sock.settimeout(0.2)
    peer = Peer(sock, args.peer)
    end = time.monotonic() + args.seconds
    next_poke = 0.0
    reported = False
    status = 1
    while time.monotonic() < end:
        try:
            data, _ = sock.recvfrom(65536)
            peer.receive(data)
        except socket.timeout:
            pass
        if not peer.done() and time.monotonic() >= next_poke:
            next_poke = time.monotonic() + 0.5
            peer.poke()
        if not reported and (peer.done() or time.monotonic() >= end - 1):
            status = report(peer)
            reported = True
    # After the report it goes on answering ARP and pings (the shell's ping)
    # until --seconds or until it is killed.
    return status


def report(peer):
    results = [
        (peer.guest_ip is not None, f"qemu net: the net capsule claims a link-local address ({peer.guest_ip})"),
        (peer.arp_answered, "qemu net: the net capsule answers ARP for it"),
        (peer.pongs >= 3, f"qemu net: the net capsule answers ping ({peer.pongs} of {peer.pings_sent} echoes "
                          "with a checksum scapy verifies)"),
        (peer.offers >= 1 and peer.acks >= 1, f"qemu net: the net capsule's DHCP client asks for and takes a lease "
                                              f"({peer.offers} offers, {peer.acks} acks)"),
    ]
    for ok, text in results:
        print(("PASS " if ok else "FAIL ") + text, flush=True)
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
