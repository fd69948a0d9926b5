#!/usr/bin/python3
"""lib/net's codecs against scapy (an independent implementation of every
protocol it speaks), in the same run, from a fixed seed.

Encoding: for random ARP, UDP, ICMP echo and DHCP client messages the
frames lib/net builds (codec_test --encode) must equal scapy's byte for byte
(scapy's frames padded with zeros to Ethernet's 60-byte minimum, DHCP to 300
bytes). Decoding: frames scapy builds (a DHCP OFFER among them) and copies
with a broken IPv4, UDP or ICMP checksum must decode (codec_test --decode) to
scapy's field values or to the exact checksum error.

usage: scapy_check.py CODEC_TEST [SEED]   prints PASS/FAIL lines.
Run with Debian's /usr/bin/python3 (python3-scapy). """
import random
import subprocess
import sys

try:
    from scapy.all import ARP, BOOTP, DHCP, ICMP, IP, UDP, Ether, Raw
except ImportError as error:  # a check that did not run never passes
    print(f"FAIL scapy cross-check: scapy is not importable ({error}); make deps installs python3-scapy")
    sys.exit(1)

CASES = 200


def mac(rng):
    first = rng.randrange(256) & 0xFC | 0x02  # unicast, locally administered
    return ":".join(f"{b:02x}" for b in [first] + [rng.randrange(256) for _ in range(5)])


def ip_text(n):
    return ".".join(str(n >> s & 255) for s in (24, 16, 8, 0))


def pad(data, size):
    return data + b"\0" * max(0, size - len(data))


def run(codec_test, mode, lines):
    done = subprocess.run([codec_test, mode], input="\n".join(lines) + "\n", capture_output=True,
                          text=True, check=False)
    out = done.stdout.splitlines()
    if done.returncode != 0 or len(out) != len(lines):
        raise RuntimeError(f"codec_test {mode}: exit {done.returncode}, {len(out)} lines for "
                           f"{len(lines)}: {done.stderr[:300]}")
    return out


def encode_cases(rng):
    """(line for codec_test --encode, scapy's bytes) pairs."""
    cases = []
    for _ in range(CASES):
        kind = rng.choice(["arp", "udp", "icmp", "dhcp"])
        m1, m2 = mac(rng), mac(rng)
        a, b = rng.getrandbits(32), rng.getrandbits(32)
        if kind == "arp":
            op = rng.choice([1, 2])
            line = f"arp {op} {m1} {a} {m2} {b}"
            frame = Ether(dst="ff:ff:ff:ff:ff:ff", src=m1) / ARP(op=op, hwsrc=m1, psrc=ip_text(a),
                                                                 hwdst=m2, pdst=ip_text(b))
            cases.append((line, pad(bytes(frame), 60)))
            continue
        if kind == "dhcp":
            xid, mtype, flags = rng.getrandbits(32), rng.choice([1, 3, 4, 7, 8]), rng.choice([0, 0x8000])
            ciaddr = rng.choice([0, a])
            requested = rng.choice([0, rng.getrandbits(32) | 1])
            server = rng.choice([0, rng.getrandbits(32) | 1])
            options = [("message-type", mtype)]
            if requested:
                options.append(("requested_addr", ip_text(requested)))
            if server:
                options.append(("server_id", ip_text(server)))
            options += [("param_req_list", [1, 3, 51, 54, 58, 59]), "end"]
            chaddr = bytes(int(x, 16) for x in m1.split(":")) + b"\0" * 10
            message = BOOTP(op=1, xid=xid, flags=flags, ciaddr=ip_text(ciaddr), chaddr=chaddr) / DHCP(options=options)
            cases.append((f"dhcp {m1} {xid} {mtype} {flags} {ciaddr} {requested} {server}", pad(bytes(message), 300)))
            continue
        ident, ttl = rng.getrandbits(16), rng.randrange(1, 256)
        payload = bytes(rng.getrandbits(8) for _ in range(rng.choice([0, 1, 2, 17, 64, 1472 - 8])))
        text = payload.hex() or "-"
        header = Ether(src=m1, dst=m2) / IP(src=ip_text(a), dst=ip_text(b), id=ident, ttl=ttl, flags="DF")
        if kind == "udp":
            sport, dport = rng.randrange(1, 65536), rng.randrange(1, 65536)
            line = f"udp {m1} {m2} {a} {b} {ident} {ttl} {sport} {dport} {text}"
            frame = header / UDP(sport=sport, dport=dport) / Raw(payload)
        else:
            itype, echo_id, seq = rng.choice([0, 8]), rng.getrandbits(16), rng.getrandbits(16)
            line = f"icmp {m1} {m2} {a} {b} {ident} {ttl} {itype} {echo_id} {seq} {text}"
            frame = header / ICMP(type=itype, code=0, id=echo_id, seq=seq) / Raw(payload)
        cases.append((line, pad(bytes(frame), 60)))
    return cases


def corrupt(frame, offset):
    data = bytearray(bytes(frame))
    data[offset] ^= 0x01
    return bytes(data)


def decode_cases(rng):
    """(frame bytes, expected summary) pairs."""
    cases = []
    for _ in range(CASES):
        kind = rng.choice(["arp", "udp", "icmp", "dhcp"])
        m1, m2 = mac(rng), mac(rng)
        a, b = rng.getrandbits(32) & 0xDFFFFFFF | 0x01000000, rng.getrandbits(32)  # unicast source
        ident, ttl = rng.getrandbits(16), rng.randrange(1, 256)
        if kind == "arp":
            op = rng.choice([1, 2])
            frame = Ether(dst=m2, src=m1) / ARP(op=op, hwsrc=m1, psrc=ip_text(a), hwdst=m2, pdst=ip_text(b))
            cases.append((bytes(frame), f"eth 0806 arp {op} {a} {b}"))
            continue
        base = Ether(src=m1, dst=m2) / IP(src=ip_text(a), dst=ip_text(b), id=ident, ttl=ttl)
        prefix = f"eth 0800 ipv4 {ip_text(a)} {ip_text(b)}"
        if kind == "udp":
            sport, dport = rng.randrange(1, 65536), rng.choice([rng.randrange(1, 65536), 9])
            payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 600)))
            frame = base / UDP(sport=sport, dport=dport) / Raw(payload)
            good = f"{prefix} 17 {ttl} {ident} udp {sport} {dport} {len(payload)}"
            cases.append((bytes(frame), good))
            cases.append((corrupt(frame, 14 + 20 + 6), f"{prefix} 17 {ttl} {ident} error NET_ERR_UDP_CHECKSUM"))
        elif kind == "icmp":
            itype, echo_id, seq = rng.choice([0, 8]), rng.getrandbits(16), rng.getrandbits(16)
            payload = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 600)))
            frame = base / ICMP(type=itype, id=echo_id, seq=seq) / Raw(payload)
            cases.append((bytes(frame), f"{prefix} 1 {ttl} {ident} icmp {itype} {echo_id} {seq} {len(payload)}"))
            cases.append((corrupt(frame, 14 + 20 + 2), f"{prefix} 1 {ttl} {ident} error NET_ERR_ICMP_CHECKSUM"))
        else:
            xid, yiaddr, lease = rng.getrandbits(32), rng.getrandbits(32), rng.getrandbits(32)
            server = rng.getrandbits(32)
            chaddr = bytes(int(x, 16) for x in m2.split(":")) + b"\0" * 10
            options = [("message-type", "offer"), ("server_id", ip_text(server)), ("lease_time", lease),
                       ("subnet_mask", "255.255.255.0"), ("router", ip_text(a)), ("hostname", b"nonos"), "end"]
            frame = base / UDP(sport=67, dport=68) / BOOTP(op=2, xid=xid, yiaddr=ip_text(yiaddr),
                                                            chaddr=chaddr) / DHCP(options=options)
            length = len(bytes(frame)) - 14 - 20 - 8
            cases.append((bytes(frame), f"{prefix} 17 {ttl} {ident} udp 67 68 {length} "
                                        f"dhcp 2 {xid} {ip_text(yiaddr)} {ip_text(server)} {lease}"))
        cases.append((corrupt(frame, 14 + 10), f"eth 0800 error NET_ERR_IP_CHECKSUM"))
    return cases


def main():
    if len(sys.argv) < 2:
        print("usage: scapy_check.py CODEC_TEST [SEED]", file=sys.stderr)
        return 2
    codec_test = sys.argv[1]
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 2026
    rng = random.Random(seed)
    status = 0

    cases = encode_cases(rng)
    out = run(codec_test, "--encode", [line for line, _ in cases])
    wrong = [(line, got, want.hex()) for (line, want), got in zip(cases, out) if got != want.hex()]
    kinds = sorted({line.split()[0] for line, _ in cases})
    if cases and not wrong:
        print(f"PASS scapy cross-check: {len(cases)} frames lib/net encodes ({', '.join(kinds)}) equal "
              f"scapy's byte for byte (seed {seed})")
    else:
        status = 1
        line, got, want = wrong[0] if wrong else ("no cases", "", "")
        print(f"FAIL scapy cross-check: {len(wrong)} of {len(cases)} encodings differ (seed {seed}); first: "
              f"{line[:80]} -> {got[:120]} want {want[:120]}")

    cases = decode_cases(rng)
    out = run(codec_test, "--decode", [frame.hex() for frame, _ in cases])
    wrong = [(want, got) for (_, want), got in zip(cases, out) if got != want]
    errors = sum(1 for _, want in cases if "error" in want)
    if cases and not wrong:
        print(f"PASS scapy cross-check: {len(cases)} frames scapy builds decode to scapy's fields, "
              f"{errors} with a broken checksum to the exact error (seed {seed})")
    else:
        status = 1
        want, got = wrong[0] if wrong else ("no cases", "")
        print(f"FAIL scapy cross-check: {len(wrong)} of {len(cases)} decodings differ (seed {seed}); first: "
              f"got '{got}' want '{want}'")
    return status


if __name__ == "__main__":
    sys.exit(main())
