/* The malformed-input corpus of lib/net: for each decoder (ethernet, arp,
 * ipv4, udp, icmp, dhcp) and for the stack's input path, bad inputs and the
 * exact error each must produce, with a few good inputs as controls (OK).
 *
 * The cases are generated here from good packets with one defect each (and
 * checksums fixed up where the defect is elsewhere), and committed under
 * tests/corpus/net/<layer>/ with an `expected` file per layer:
 *   <case> <NET_ERR_... or NET_OK>  # message
 * Input conventions are those of tests/net/fixture.h (udp: 8 bytes of
 * pseudo-header addresses first; stack: one frame to the fixture stack).
 *
 * usage: corpus --write DIR   writes DIR/<layer>/<case> and the expected files
 *        corpus --check DIR   replays every committed file against expected,
 *                             and checks that the committed set is exactly
 *                             what this program generates (no drift) */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/endian.h"
#include "net/arp.h"
#include "net/checksum.h"
#include "net/dhcp.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/udp.h"
#include "tests/host/expected_corpus.h"
#include "tests/host/test.h"
#include "tests/net/fixture.h"

#define CASES_MAX 160
#define CASE_SIZE 1600

struct corpus_case {
    const char *layer;
    char name[64];
    uint8_t data[CASE_SIZE];
    size_t length;
    enum net_result expected;
};

static struct corpus_case cases[CASES_MAX];
static int case_count;

static void emit(const char *layer, const char *name, const uint8_t *data, size_t length, enum net_result expected)
{
    if (case_count >= CASES_MAX || length > CASE_SIZE) {
        fprintf(stderr, "corpus: too many or too large cases\n");
        exit(2);
    }
    struct corpus_case *c = &cases[case_count++];
    c->layer = layer;
    snprintf(c->name, sizeof c->name, "%s", name);
    if (length != 0)
        memcpy(c->data, data, length);
    c->length = length;
    c->expected = expected;
}

static const struct eth_address peer_mac = { { 0x02, 0, 0, 0, 0, 0x20 } };
static const struct eth_address fixture_mac = NET_FIXTURE_MAC;
#define PEER_IP NET_IPV4(169, 254, 20, 20)

/* ---- Ethernet */

static size_t arp_frame(uint8_t *out, uint16_t operation, uint32_t sender_ip, uint32_t target_ip,
                        const struct eth_address *to)
{
    struct byte_buffer b = { out, 0, CASE_SIZE };
    struct arp_packet arp = { operation, peer_mac, sender_ip, { { 0 } }, target_ip };
    (void)eth_encode_header(&b, to, &peer_mac, ETH_TYPE_ARP);
    (void)arp_encode(&b, &arp);
    (void)eth_encode_finish(&b);
    return b.len;
}

static void generate_ethernet(void)
{
    uint8_t f[CASE_SIZE];
    size_t n = arp_frame(f, ARP_OPERATION_REQUEST, PEER_IP, NET_FIXTURE_LINK_LOCAL, &eth_broadcast);
    emit("ethernet", "ok-arp-frame", f, n, NET_OK);
    emit("ethernet", "empty", f, 0, NET_ERR_TRUNCATED);
    emit("ethernet", "header-13-bytes", f, 13, NET_ERR_TRUNCATED);
    uint8_t g[CASE_SIZE];
    memcpy(g, f, n), store16_be(g + 12, 0x05dc);
    emit("ethernet", "length-field-1500", g, n, NET_ERR_ETH_LENGTH_FIELD);
    memcpy(g, f, n), store16_be(g + 12, 0x8100);
    emit("ethernet", "vlan-8100", g, n, NET_ERR_ETH_VLAN);
    memcpy(g, f, n), store16_be(g + 12, 0x88a8);
    emit("ethernet", "qinq-88a8", g, n, NET_ERR_ETH_VLAN);
    memcpy(g, f, n), g[6] = 0x01;
    emit("ethernet", "multicast-source", g, n, NET_ERR_ETH_SOURCE);
    memcpy(g, f, n), memset(g + 6, 0xff, 6);
    emit("ethernet", "broadcast-source", g, n, NET_ERR_ETH_SOURCE);
    memset(g, 0, sizeof g), memcpy(g, f, 14);
    emit("ethernet", "oversize-1515-bytes", g, 1515, NET_ERR_TOO_LARGE);
}

/* ---- ARP */

static void generate_arp(void)
{
    uint8_t f[CASE_SIZE], g[ARP_PACKET_SIZE];
    (void)arp_frame(f, ARP_OPERATION_REQUEST, PEER_IP, NET_FIXTURE_LINK_LOCAL, &eth_broadcast);
    const uint8_t *p = f + ETH_HEADER_SIZE;
    emit("arp", "ok-request", p, ARP_PACKET_SIZE, NET_OK);
    emit("arp", "truncated-27-bytes", p, 27, NET_ERR_TRUNCATED);
    struct { const char *name; size_t offset; uint8_t value; enum net_result expected; } edits[] = {
        { "hardware-type-ieee802", 1, 6, NET_ERR_ARP_HARDWARE },
        { "hardware-length-8", 4, 8, NET_ERR_ARP_HARDWARE },
        { "protocol-type-0x0801", 3, 1, NET_ERR_ARP_PROTOCOL },
        { "protocol-length-16", 5, 16, NET_ERR_ARP_PROTOCOL },
        { "operation-rarp-3", 7, 3, NET_ERR_ARP_OPERATION },
        { "operation-0", 7, 0, NET_ERR_ARP_OPERATION },
        { "sender-multicast", 8, 0x01, NET_ERR_ARP_SENDER },
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        memcpy(g, p, sizeof g);
        g[edits[i].offset] = edits[i].value;
        emit("arp", edits[i].name, g, sizeof g, edits[i].expected);
    }
    memcpy(g, p, sizeof g), memset(g + 8, 0xff, 6);
    emit("arp", "sender-broadcast", g, sizeof g, NET_ERR_ARP_SENDER);
}

/* ---- IPv4 */

/* A UDP packet 169.254.20.20:9 -> 169.254.10.10:7000 carrying "corpus". */
static size_t udp_packet(uint8_t *out, uint32_t source, uint32_t destination, uint16_t port)
{
    struct byte_buffer b = { out, 0, CASE_SIZE };
    struct ipv4_packet fields = { 0, 0x1234, true, 64, IPV4_PROTOCOL_UDP, source, destination, 20, { NULL, 0 } };
    (void)ipv4_encode_header(&b, &fields, UDP_HEADER_SIZE + 6);
    (void)udp_encode(&b, source, destination, 9, port, bytes_make("corpus", 6));
    return b.len;
}

static void ip_fix_checksum(uint8_t *p)
{
    size_t header = (size_t)(p[0] & 0xf) * 4;
    store16_be(p + 10, 0);
    store16_be(p + 10, net_checksum(p, header));
}

static void generate_ipv4(void)
{
    uint8_t p[CASE_SIZE], g[CASE_SIZE];
    size_t n = udp_packet(p, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    emit("ipv4", "ok-udp", p, n, NET_OK);
    emit("ipv4", "truncated-19-bytes", p, 19, NET_ERR_TRUNCATED);
    struct { const char *name; size_t offset; uint8_t value; enum net_result expected; } edits[] = {
        { "version-6", 0, 0x65, NET_ERR_IP_VERSION },
        { "ihl-4", 0, 0x44, NET_ERR_IP_HEADER_LENGTH },
        { "ihl-15-beyond-packet", 0, 0x4f, NET_ERR_IP_HEADER_LENGTH },
        { "total-length-below-header", 3, 19, NET_ERR_IP_TOTAL_LENGTH },
        { "total-length-beyond-data", 3, 200, NET_ERR_IP_TOTAL_LENGTH },
        { "reserved-flag", 6, 0xc0, NET_ERR_IP_FLAGS },
        { "more-fragments", 6, 0x20, NET_ERR_IP_FRAGMENT },
        { "fragment-offset-8", 7, 0x01, NET_ERR_IP_FRAGMENT },
        { "ttl-0", 8, 0, NET_ERR_IP_TTL },
        { "source-multicast-224", 12, 224, NET_ERR_IP_SOURCE },
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        memcpy(g, p, n);
        g[edits[i].offset] = edits[i].value;
        if (edits[i].expected != NET_ERR_IP_HEADER_LENGTH && edits[i].expected != NET_ERR_IP_VERSION)
            ip_fix_checksum(g);
        emit("ipv4", edits[i].name, g, n, edits[i].expected);
    }
    memcpy(g, p, n), g[10] ^= 0x01;
    emit("ipv4", "checksum-flipped", g, n, NET_ERR_IP_CHECKSUM);
    memcpy(g, p, n), store32_be(g + 12, IPV4_BROADCAST), ip_fix_checksum(g);
    emit("ipv4", "source-broadcast", g, n, NET_ERR_IP_SOURCE);
    /* 8 bytes of options before the UDP datagram. */
    const struct { const char *name; uint8_t options[8]; enum net_result expected; } options[] = {
        { "ok-options-nop-router-alert-end", { 1, 0x94, 4, 0, 0, 0, 0, 0 }, NET_OK },
        { "option-length-1", { 1, 0x94, 1, 0, 0, 0, 0, 0 }, NET_ERR_IP_OPTION },
        { "option-past-header", { 1, 0x94, 9, 0, 0, 0, 0, 0 }, NET_ERR_IP_OPTION },
        { "option-type-last-byte", { 1, 1, 1, 1, 1, 1, 1, 0x44 }, NET_ERR_IP_OPTION },
    };
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++) {
        memcpy(g, p, 20);
        memcpy(g + 20, options[i].options, 8);
        memcpy(g + 28, p + 20, n - 20);
        g[0] = 0x47;
        store16_be(g + 2, (uint16_t)(n + 8));
        ip_fix_checksum(g);
        emit("ipv4", options[i].name, g, n + 8, options[i].expected);
    }
}

/* ---- UDP (8 bytes of addresses, then the segment) */

static void generate_udp(void)
{
    uint8_t p[CASE_SIZE], g[CASE_SIZE];
    size_t n = udp_packet(p + 12, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    /* p + 12 holds the IP packet; its addresses (offsets 12..19) sit at p + 24. */
    uint8_t *u = p + 24; /* addresses, then the segment */
    size_t len = n - 12;
    emit("udp", "ok-corpus", u, len, NET_OK);
    memcpy(g, u, len), g[8 + 6] = g[8 + 7] = 0;
    emit("udp", "ok-no-checksum", g, len, NET_OK);
    emit("udp", "truncated-7-bytes", u, 8 + 7, NET_ERR_TRUNCATED);
    memcpy(g, u, len), store16_be(g + 8 + 4, (uint16_t)(len - 8 + 1));
    emit("udp", "length-longer-than-payload", g, len, NET_ERR_UDP_LENGTH);
    memcpy(g, u, len), store16_be(g + 8 + 4, (uint16_t)(len - 8 - 1));
    emit("udp", "length-shorter-than-payload", g, len, NET_ERR_UDP_LENGTH);
    memcpy(g, u, len), store16_be(g + 8 + 4, 7);
    emit("udp", "length-below-header", g, len, NET_ERR_UDP_LENGTH);
    memcpy(g, u, len), g[8 + 7] ^= 0x01;
    emit("udp", "checksum-flipped", g, len, NET_ERR_UDP_CHECKSUM);
    memcpy(g, u, len), g[3] ^= 0x01;
    emit("udp", "pseudo-header-source-differs", g, len, NET_ERR_UDP_CHECKSUM);
    memcpy(g, u, len), store16_be(g + 8 + 2, 0), g[8 + 6] = g[8 + 7] = 0;
    emit("udp", "destination-port-0", g, len, NET_ERR_UDP_PORT);
}

/* ---- ICMP */

static size_t echo(uint8_t *out, uint8_t type, uint8_t code)
{
    struct byte_buffer b = { out, 0, CASE_SIZE };
    struct icmp_echo e = { ICMP_TYPE_ECHO_REQUEST, 7, 1, bytes_make("ping-data", 9) };
    (void)icmp_echo_encode(&b, &e);
    out[0] = type;
    out[1] = code;
    store16_be(out + 2, 0);
    store16_be(out + 2, net_checksum(out, b.len));
    return b.len;
}

static void generate_icmp(void)
{
    uint8_t g[CASE_SIZE];
    size_t n = echo(g, ICMP_TYPE_ECHO_REQUEST, 0);
    emit("icmp", "ok-echo-request", g, n, NET_OK);
    emit("icmp", "truncated-7-bytes", g, 7, NET_ERR_TRUNCATED);
    g[5] ^= 0x10;
    emit("icmp", "checksum-flipped", g, n, NET_ERR_ICMP_CHECKSUM);
    n = echo(g, ICMP_TYPE_ECHO_REPLY, 0);
    emit("icmp", "ok-echo-reply", g, n, NET_OK);
    n = echo(g, 3, 1);
    emit("icmp", "destination-unreachable", g, n, NET_ERR_ICMP_TYPE);
    n = echo(g, 5, 0);
    emit("icmp", "redirect", g, n, NET_ERR_ICMP_TYPE);
    n = echo(g, 13, 0);
    emit("icmp", "timestamp", g, n, NET_ERR_ICMP_TYPE);
    n = echo(g, ICMP_TYPE_ECHO_REQUEST, 1);
    emit("icmp", "echo-code-1", g, n, NET_ERR_ICMP_CODE);
}

/* ---- DHCP */

/* An OFFER whose options are given as hex (after the cookie). */
static size_t offer(uint8_t *out, const char *options_hex)
{
    memset(out, 0, 240);
    out[0] = DHCP_OP_REPLY, out[1] = 1, out[2] = 6;
    store32_be(out + 4, 0x4e4f4e4f);
    store32_be(out + 16, NET_IPV4(10, 0, 0, 50));
    memcpy(out + 28, fixture_mac.bytes, 6);
    store32_be(out + 236, 0x63825363);
    size_t n = 240;
    for (const char *h = options_hex; h[0] != 0 && h[1] != 0; h += 2) {
        unsigned byte;
        if (sscanf(h, "%2x", &byte) != 1)
            exit(2);
        out[n++] = (uint8_t)byte;
    }
    return n;
}

#define OK_OPTIONS "350102" "3604" "0a000001" "3304" "00000e10" "0104" "ffffff00" "0304" "0a000001"

static void generate_dhcp(void)
{
    uint8_t g[CASE_SIZE];
    size_t n = offer(g, OK_OPTIONS "ff");
    emit("dhcp", "ok-offer", g, n, NET_OK);
    emit("dhcp", "truncated-239-bytes", g, 239, NET_ERR_TRUNCATED);
    struct { const char *name; size_t offset; uint8_t value; enum net_result expected; } edits[] = {
        { "op-3", 0, 3, NET_ERR_DHCP_OP },
        { "htype-6", 1, 6, NET_ERR_DHCP_HARDWARE },
        { "hlen-16", 2, 16, NET_ERR_DHCP_HARDWARE },
        { "magic-cookie-wrong", 239, 0x64, NET_ERR_DHCP_MAGIC },
    };
    for (size_t i = 0; i < sizeof edits / sizeof edits[0]; i++) {
        n = offer(g, OK_OPTIONS "ff");
        g[edits[i].offset] = edits[i].value;
        emit("dhcp", edits[i].name, g, n, edits[i].expected);
    }
    const struct { const char *name; const char *options; enum net_result expected; } option_cases[] = {
        { "ok-pads-and-unknown-option", "00000c056e6f6e6f73350105" "00ff0000", NET_OK },
        { "option-length-past-end", "350102" "0c20616263", NET_ERR_DHCP_OPTION_TRUNCATED },
        { "option-code-last-byte", "350102" "0c", NET_ERR_DHCP_OPTION_TRUNCATED },
        { "subnet-mask-length-3", "350102" "0103ffffff" "ff", NET_ERR_DHCP_OPTION_LENGTH },
        { "router-length-6", "350102" "03060a0000010a00" "ff", NET_ERR_DHCP_OPTION_LENGTH },
        { "message-type-length-2", "35020202" "ff", NET_ERR_DHCP_OPTION_LENGTH },
        { "lease-time-twice", "350102" "330400000e10" "330400000e10" "ff", NET_ERR_DHCP_OPTION_DUPLICATE },
        { "message-type-twice", "350102" "350105" "ff", NET_ERR_DHCP_OPTION_DUPLICATE },
        { "no-end-option", OK_OPTIONS, NET_ERR_DHCP_NO_END },
        { "bootp-without-message-type", "0104ffffff00" "ff", NET_ERR_DHCP_MESSAGE_TYPE },
        { "message-type-9", "350109" "ff", NET_ERR_DHCP_MESSAGE_TYPE },
        { "message-type-0", "350100" "ff", NET_ERR_DHCP_MESSAGE_TYPE },
        { "option-overload", "350102" "340103" "ff", NET_ERR_DHCP_OVERLOAD },
    };
    for (size_t i = 0; i < sizeof option_cases / sizeof option_cases[0]; i++) {
        n = offer(g, option_cases[i].options);
        emit("dhcp", option_cases[i].name, g, n, option_cases[i].expected);
    }
}

/* ---- the stack's input path (frames to the fixture stack) */

static size_t ip_frame(uint8_t *out, const struct eth_address *to, const uint8_t *packet, size_t length)
{
    struct byte_buffer b = { out, 0, CASE_SIZE };
    (void)eth_encode_header(&b, to, &peer_mac, ETH_TYPE_IPV4);
    memcpy(out + b.len, packet, length);
    b.len += length;
    (void)eth_encode_finish(&b);
    return b.len;
}

static size_t udp_frame(uint8_t *out, uint32_t source, uint32_t destination, uint16_t port)
{
    uint8_t p[CASE_SIZE];
    size_t n = udp_packet(p, source, destination, port);
    return ip_frame(out, &fixture_mac, p, n);
}

static size_t echo_frame(uint8_t *out, uint32_t destination, uint8_t type)
{
    uint8_t p[CASE_SIZE];
    struct byte_buffer b = { p, 0, sizeof p };
    struct ipv4_packet fields = { 0, 1, false, 64, IPV4_PROTOCOL_ICMP, PEER_IP, destination, 20, { NULL, 0 } };
    uint8_t message[CASE_SIZE];
    size_t n = echo(message, type, 0);
    (void)ipv4_encode_header(&b, &fields, n);
    memcpy(p + b.len, message, n);
    return ip_frame(out, destination == IPV4_BROADCAST ? &eth_broadcast : &fixture_mac, p, b.len + n);
}

static void generate_stack(void)
{
    uint8_t f[CASE_SIZE], p[CASE_SIZE];
    size_t n = udp_frame(f, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    emit("stack", "ok-udp-to-mesh-port", f, n, NET_OK);
    n = udp_frame(f, NET_IPV4(10, 0, 0, 9), NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_CLEARNET_PORT);
    emit("stack", "ok-udp-from-outside-to-clearnet-port", f, n, NET_OK);
    n = udp_frame(f, NET_IPV4(10, 0, 0, 9), NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    emit("stack", "udp-from-outside-to-mesh-port", f, n, NET_ERR_NOT_FOR_US);
    n = udp_frame(f, PEER_IP, NET_FIXTURE_LINK_LOCAL, 7999);
    emit("stack", "udp-to-unbound-port", f, n, NET_ERR_PORT_UNBOUND);
    n = udp_frame(f, PEER_IP, NET_IPV4(169, 254, 10, 11), NET_FIXTURE_MESH_PORT);
    emit("stack", "ip-for-another-host", f, n, NET_ERR_NOT_FOR_US);
    n = udp_frame(f, 0, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    emit("stack", "ip-source-0", f, n, NET_ERR_IP_SOURCE);
    n = udp_frame(f, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    emit("stack", "ip-source-is-ours", f, n, NET_ERR_IP_SOURCE);
    n = udp_frame(f, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    f[14 + 9] = 6, ip_fix_checksum(f + 14);
    emit("stack", "ip-protocol-tcp", f, n, NET_ERR_PROTOCOL);
    n = udp_frame(f, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    f[14 + 6] |= 0x20, ip_fix_checksum(f + 14);
    emit("stack", "ip-fragment", f, n, NET_ERR_IP_FRAGMENT);
    n = udp_frame(f, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    f[0] = 0x04;
    emit("stack", "ethernet-for-another-mac", f, n, NET_ERR_NOT_FOR_US);
    n = udp_frame(f, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    memcpy(f + 6, fixture_mac.bytes, 6);
    emit("stack", "ethernet-from-our-own-mac", f, n, NET_ERR_NOT_FOR_US);
    n = udp_frame(f, PEER_IP, NET_FIXTURE_LINK_LOCAL, NET_FIXTURE_MESH_PORT);
    store16_be(f + 12, 0x86dd);
    emit("stack", "ethertype-ipv6", f, n, NET_ERR_ETHERTYPE);
    n = arp_frame(f, ARP_OPERATION_REQUEST, PEER_IP, NET_FIXTURE_LINK_LOCAL, &eth_broadcast);
    emit("stack", "ok-arp-request-for-us", f, n, NET_OK);
    n = arp_frame(f, ARP_OPERATION_REQUEST, PEER_IP, NET_IPV4(169, 254, 30, 30), &eth_broadcast);
    emit("stack", "arp-request-for-another-host", f, n, NET_ERR_NOT_FOR_US);
    n = arp_frame(f, 3, PEER_IP, NET_FIXTURE_LINK_LOCAL, &eth_broadcast);
    emit("stack", "arp-rarp-operation", f, n, NET_ERR_ARP_OPERATION);
    n = echo_frame(f, NET_FIXTURE_LINK_LOCAL, ICMP_TYPE_ECHO_REQUEST);
    emit("stack", "ok-ping", f, n, NET_OK);
    n = echo_frame(f, IPV4_BROADCAST, ICMP_TYPE_ECHO_REQUEST);
    emit("stack", "ping-to-broadcast", f, n, NET_ERR_NOT_FOR_US);
    n = echo_frame(f, NET_FIXTURE_LINK_LOCAL, 5);
    emit("stack", "icmp-redirect", f, n, NET_ERR_ICMP_TYPE);
    /* DHCP replies to the client port: a stranger's transaction, bad bytes. */
    size_t m = offer(p + 28, OK_OPTIONS "ff");
    struct byte_buffer b = { p, 0, sizeof p };
    struct ipv4_packet fields = { 0, 1, false, 64, IPV4_PROTOCOL_UDP, NET_IPV4(10, 0, 0, 1), IPV4_BROADCAST, 20,
                                  { NULL, 0 } };
    uint8_t body[CASE_SIZE];
    memcpy(body, p + 28, m);
    (void)ipv4_encode_header(&b, &fields, UDP_HEADER_SIZE + m);
    (void)udp_encode(&b, fields.source, IPV4_BROADCAST, 67, 68, bytes_make(body, m));
    n = ip_frame(f, &eth_broadcast, p, b.len);
    emit("stack", "dhcp-offer-for-another-transaction", f, n, NET_ERR_UNEXPECTED);
    body[239] ^= 0xff;
    b.len = 0;
    (void)ipv4_encode_header(&b, &fields, UDP_HEADER_SIZE + m);
    (void)udp_encode(&b, fields.source, IPV4_BROADCAST, 67, 68, bytes_make(body, m));
    n = ip_frame(f, &eth_broadcast, p, b.len);
    emit("stack", "dhcp-without-magic-cookie", f, n, NET_ERR_DHCP_MAGIC);
}

static void generate(void)
{
    case_count = 0;
    generate_ethernet();
    generate_arp();
    generate_ipv4();
    generate_udp();
    generate_icmp();
    generate_dhcp();
    generate_stack();
}

static const char *const layers[] = { "ethernet", "arp", "ipv4", "udp", "icmp", "dhcp", "stack" };
#define LAYERS (sizeof layers / sizeof layers[0])

static int write_corpus(const char *dir)
{
    char path[512];
    mkdir(dir, 0755);
    for (size_t l = 0; l < LAYERS; l++) {
        snprintf(path, sizeof path, "%s/%s", dir, layers[l]);
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            return 1;
        snprintf(path, sizeof path, "%s/%s/expected", dir, layers[l]);
        FILE *expected = fopen(path, "w");
        if (expected == NULL)
            return 1;
        fprintf(expected, "# <case> <result>: written by tests/net/corpus --write (see tests/net/corpus.c)\n");
        for (int i = 0; i < case_count; i++) {
            if (strcmp(cases[i].layer, layers[l]) != 0)
                continue;
            fprintf(expected, "%s %s  # %s\n", cases[i].name, net_result_name(cases[i].expected),
                    net_result_message(cases[i].expected));
            snprintf(path, sizeof path, "%s/%s/%s", dir, layers[l], cases[i].name);
            FILE *file = fopen(path, "wb");
            if (file == NULL || fwrite(cases[i].data, 1, cases[i].length, file) != cases[i].length) {
                if (file != NULL)
                    fclose(file);
                return 1;
            }
            fclose(file);
        }
        fclose(expected);
    }
    return 0;
}

static const struct corpus_case *generated(const char *layer, const char *name)
{
    for (int i = 0; i < case_count; i++)
        if (strcmp(cases[i].layer, layer) == 0 && strcmp(cases[i].name, name) == 0)
            return &cases[i];
    return NULL;
}

/* Replays one layer's committed files; returns the number checked. */
static int check_layer(const char *dir, const char *layer, int *wrong, int *stale)
{
    char path[512], line[256], name[128], expected_name[64];
    static uint8_t data[4096];
    snprintf(path, sizeof path, "%s/%s/expected", dir, layer);
    FILE *expected = fopen(path, "r");
    if (expected == NULL) {
        fprintf(stderr, "corpus: %s missing\n", path);
        (*wrong)++;
        return 0;
    }
    int count = 0;
    while (fgets(line, sizeof line, expected) != NULL) {
        if (line[0] == '#' || sscanf(line, "%127s %63s", name, expected_name) != 2)
            continue;
        snprintf(path, sizeof path, "%s/%s/%s", dir, layer, name);
        bool ok;
        size_t n = expected_corpus_read(path, data, sizeof data, &ok);
        enum net_result result = net_fixture_decode(layer, data, n);
        count++;
        if (!ok || strcmp(net_result_name(result), expected_name) != 0) {
            fprintf(stderr, "corpus %s/%s: got %s (%s), expected %s\n", layer, name, net_result_name(result),
                    net_result_message(result), expected_name);
            (*wrong)++;
        }
        const struct corpus_case *c = generated(layer, name);
        if (c == NULL || c->length != n || memcmp(c->data, data, n) != 0 ||
            strcmp(net_result_name(c->expected), expected_name) != 0) {
            fprintf(stderr, "corpus %s/%s: differs from what corpus.c generates (run corpus --write)\n", layer, name);
            (*stale)++;
        }
    }
    fclose(expected);
    return count;
}

static int check_corpus(const char *dir)
{
    int wrong = 0, stale = 0, count = 0;
    for (size_t l = 0; l < LAYERS; l++) {
        int before_wrong = wrong;
        int n = check_layer(dir, layers[l], &wrong, &stale);
        int bad = 0, generated_here = 0;
        for (int i = 0; i < case_count; i++)
            if (strcmp(cases[i].layer, layers[l]) == 0) {
                generated_here++;
                bad += cases[i].expected != NET_OK;
            }
        test_check(n > 0 && n == generated_here && wrong == before_wrong,
                   "net corpus %s: %d committed inputs (%d bad, %d good controls) give their exact result", layers[l],
                   n, bad, n - bad);
        count += n;
    }
    test_check(stale == 0 && count == case_count,
               "net corpus: the committed files are exactly the %d cases corpus.c generates", case_count);
    return test_finish();
}

int main(int argc, char **argv)
{
    generate();
    if (argc == 3 && strcmp(argv[1], "--write") == 0)
        return write_corpus(argv[2]);
    if (argc == 3 && strcmp(argv[1], "--check") == 0)
        return check_corpus(argv[2]);
    fprintf(stderr, "usage: corpus --write DIR | --check DIR\n");
    return 2;
}
