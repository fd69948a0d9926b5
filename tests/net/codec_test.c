/* lib/net codecs under ASan + UBSan: hand-checked packets (checksums worked
 * out by hand from RFC 1071's method, and the RFC's own example), each
 * decoder's refusals leaving its output untouched, each encoder refusing a
 * buffer one byte short, and the message table.
 *
 * Two more modes serve tests/net/scapy_check.py, which compares this code
 * with scapy in the same run:
 *   codec_test --encode   reads lines "KIND ARGS..." and prints the frame
 *                         the lib/net encoders build, in hex
 *   codec_test --decode   reads frames in hex, one per line, and prints what
 *                         the decoders make of each (one summary line)
 * (the line formats are in scapy_check.py). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/endian.h"
#include "net/arp.h"
#include "net/checksum.h"
#include "net/dhcp.h"
#include "net/ethernet.h"
#include "net/icmp.h"
#include "net/ipv4.h"
#include "net/udp.h"
#include "tests/host/hex_input.h"
#include "tests/host/test.h"

static size_t hex(const char *text, uint8_t *out, size_t cap)
{
    long n = hex_input_decode(text, out, cap);
    if (n < 0) {
        fprintf(stderr, "bad hex in test: %s\n", text);
        exit(2);
    }
    return (size_t)n;
}

static bool same(const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len)
{
    return a_len == b_len && memcmp(a, b, a_len) == 0;
}

static void test_checksum(void)
{
    uint8_t data[8];
    hex("0001f203f4f5f6f7", data, sizeof data);
    test_check(net_checksum(data, 8) == 0x220d, "checksum: RFC 1071 section 3 example sums to 0xddf2 (checksum 0x220d)");
    /* Split at an even boundary gives the same sum. */
    uint64_t sum = net_checksum_add(net_checksum_add(0, data, 4), data + 4, 4);
    test_check(net_checksum_finish(sum) == 0x220d, "checksum: summed in two pieces");
    uint8_t odd[1] = { 0x01 };
    test_check(net_checksum(odd, 1) == 0xfeff, "checksum: odd length pads with a zero byte on the right");
    test_check(net_checksum(NULL, 0) == 0xffff, "checksum: empty input gives 0xffff");
}

/* The 20-byte header of a 115-byte UDP packet from 192.168.0.1 to
 * 192.168.0.199, DF set, TTL 64: checksum 0xb861 by hand. */
static const char ipv4_header[] = "450000730000400040 11b861c0a80001c0a800c7";

static void test_ipv4(void)
{
    uint8_t packet[115] = { 0 };
    char spec[64];
    size_t j = 0;
    for (size_t i = 0; ipv4_header[i] != 0; i++)
        if (ipv4_header[i] != ' ')
            spec[j++] = ipv4_header[i];
    spec[j] = 0;
    hex(spec, packet, 20);
    struct ipv4_packet ip;
    enum net_result result = ipv4_decode(bytes_make(packet, sizeof packet), &ip);
    test_check(result == NET_OK && ip.source == NET_IPV4(192, 168, 0, 1) &&
                   ip.destination == NET_IPV4(192, 168, 0, 199) && ip.protocol == IPV4_PROTOCOL_UDP &&
                   ip.time_to_live == 64 && ip.dont_fragment && ip.payload.len == 95 &&
                   ip.payload.data == packet + 20,
               "ipv4: hand-checked header (checksum 0xb861) decodes to its fields");
    uint8_t out[20];
    struct byte_buffer buffer = { out, 0, sizeof out };
    struct ipv4_packet fields = { 0, 0, true, 64, IPV4_PROTOCOL_UDP, NET_IPV4(192, 168, 0, 1),
                                  NET_IPV4(192, 168, 0, 199), 20, { NULL, 0 } };
    result = ipv4_encode_header(&buffer, &fields, 95);
    test_check(result == NET_OK && same(out, buffer.len, packet, 20),
               "ipv4: encoder writes the hand-checked header byte for byte");
    buffer = (struct byte_buffer){ out, 0, 19 };
    test_check(ipv4_encode_header(&buffer, &fields, 95) == NET_ERR_BUFFER && buffer.len == 0,
               "ipv4: encoder refuses a buffer one byte short, writes nothing");
    buffer = (struct byte_buffer){ out, 0, sizeof out };
    test_check(ipv4_encode_header(&buffer, &fields, 1481) == NET_ERR_TOO_LARGE,
               "ipv4: encoder refuses a packet over the 1500-byte MTU");
    /* 40 padding bytes after the total length are link padding. */
    uint8_t padded[155] = { 0 };
    memcpy(padded, packet, sizeof packet);
    result = ipv4_decode(bytes_make(padded, sizeof padded), &ip);
    test_check(result == NET_OK && ip.payload.len == 95, "ipv4: bytes after the total length are dropped as padding");
}

static void test_ipv4_options(void)
{
    uint8_t p[28];
    hex("4700001c0000400040010000" "0a000001" "0a000002" "01" "9404" "0000" "00" "00", p, sizeof p);
    store16_be(p + 10, net_checksum(p, 28));
    struct ipv4_packet ip;
    test_check(ipv4_decode(bytes_make(p, 28), &ip) == NET_OK && ip.header_length == 28 && ip.payload.len == 0,
               "ipv4: options no-op, router-alert and end are skipped");
    p[22] = 0x20; /* router alert's length runs past the header */
    store16_be(p + 10, 0);
    store16_be(p + 10, net_checksum(p, 28));
    memset(&ip, 0xaa, sizeof ip);
    struct ipv4_packet untouched;
    memset(&untouched, 0xaa, sizeof untouched);
    test_check(ipv4_decode(bytes_make(p, 28), &ip) == NET_ERR_IP_OPTION && memcmp(&ip, &untouched, sizeof ip) == 0,
               "ipv4: an option longer than the header is refused, output untouched");
}

/* ARP request from 02:00:00:00:00:01 / 169.254.10.10 for 169.254.20.20,
 * in a broadcast Ethernet frame padded to 60 bytes. */
static const char arp_frame[] =
    "ffffffffffff020000000001080600010800060400010200000000 01a9fe0a0a000000000000a9fe1414";

static void test_ethernet_arp(void)
{
    uint8_t expected[60] = { 0 };
    char spec[128];
    size_t j = 0;
    for (size_t i = 0; arp_frame[i] != 0; i++)
        if (arp_frame[i] != ' ')
            spec[j++] = arp_frame[i];
    spec[j] = 0;
    hex(spec, expected, sizeof expected);
    uint8_t out[60];
    struct byte_buffer buffer = { out, 0, sizeof out };
    struct eth_address mac = { { 2, 0, 0, 0, 0, 1 } };
    struct arp_packet arp = { ARP_OPERATION_REQUEST, mac, NET_IPV4(169, 254, 10, 10), { { 0 } },
                              NET_IPV4(169, 254, 20, 20) };
    enum net_result result = eth_encode_header(&buffer, &eth_broadcast, &mac, ETH_TYPE_ARP);
    if (result == NET_OK)
        result = arp_encode(&buffer, &arp);
    if (result == NET_OK)
        result = eth_encode_finish(&buffer);
    test_check(result == NET_OK && same(out, buffer.len, expected, 60),
               "ethernet+arp: request encodes to the hand-written 60-byte frame");
    struct eth_frame frame;
    struct arp_packet decoded;
    result = eth_decode(bytes_make(expected, 60), &frame);
    test_check(result == NET_OK && frame.type == ETH_TYPE_ARP && eth_address_equal(&frame.source, &mac) &&
                   eth_address_equal(&frame.destination, &eth_broadcast) && frame.payload.len == 46,
               "ethernet: decodes destination, source, type and a 46-byte payload");
    result = arp_decode(frame.payload, &decoded);
    test_check(result == NET_OK && decoded.operation == ARP_OPERATION_REQUEST &&
                   decoded.sender_ip == NET_IPV4(169, 254, 10, 10) &&
                   decoded.target_ip == NET_IPV4(169, 254, 20, 20) &&
                   eth_address_equal(&decoded.sender_hardware, &mac),
               "arp: decodes the request's fields");
    buffer = (struct byte_buffer){ out, 14, 14 + 27 };
    test_check(arp_encode(&buffer, &arp) == NET_ERR_BUFFER && buffer.len == 14,
               "arp: encoder refuses a buffer one byte short, writes nothing");
    buffer = (struct byte_buffer){ out, 0, 13 };
    test_check(eth_encode_header(&buffer, &eth_broadcast, &mac, ETH_TYPE_ARP) == NET_ERR_BUFFER && buffer.len == 0,
               "ethernet: encoder refuses a buffer one byte short, writes nothing");
    buffer = (struct byte_buffer){ out, 42, 59 };
    test_check(eth_encode_finish(&buffer) == NET_ERR_BUFFER && buffer.len == 42,
               "ethernet: padding refuses a buffer short of 60 bytes");
    struct eth_frame untouched;
    memset(&frame, 0x55, sizeof frame);
    memset(&untouched, 0x55, sizeof untouched);
    expected[6] = 0x03; /* multicast source */
    test_check(eth_decode(bytes_make(expected, 60), &frame) == NET_ERR_ETH_SOURCE &&
                   memcmp(&frame, &untouched, sizeof frame) == 0,
               "ethernet: multicast source refused, output untouched");
}

static void test_udp(void)
{
    /* 192.168.0.1:1234 -> 192.168.0.199:5678 "hi": checksum 0xfa57 by hand. */
    uint8_t expected[10];
    hex("04d2162e000afa576869", expected, sizeof expected);
    uint8_t out[10];
    struct byte_buffer buffer = { out, 0, sizeof out };
    uint32_t source = NET_IPV4(192, 168, 0, 1), destination = NET_IPV4(192, 168, 0, 199);
    enum net_result result = udp_encode(&buffer, source, destination, 1234, 5678, bytes_make("hi", 2));
    test_check(result == NET_OK && same(out, buffer.len, expected, 10),
               "udp: encoder writes the hand-checked datagram (checksum 0xfa57)");
    struct udp_datagram udp;
    result = udp_decode(bytes_make(expected, 10), source, destination, &udp);
    test_check(result == NET_OK && udp.source_port == 1234 && udp.destination_port == 5678 &&
                   udp.checksummed && udp.payload.len == 2 && memcmp(udp.payload.data, "hi", 2) == 0,
               "udp: decodes the hand-checked datagram");
    test_check(udp_decode(bytes_make(expected, 10), source, destination + 1, &udp) == NET_ERR_UDP_CHECKSUM,
               "udp: the pseudo-header is covered (another destination address fails the checksum)");
    expected[6] = expected[7] = 0;
    test_check(udp_decode(bytes_make(expected, 10), source, destination + 1, &udp) == NET_OK && !udp.checksummed,
               "udp: checksum 0 means none and is accepted (RFC 768)");
    buffer = (struct byte_buffer){ out, 0, 9 };
    test_check(udp_encode(&buffer, source, destination, 1234, 5678, bytes_make("hi", 2)) == NET_ERR_BUFFER &&
                   buffer.len == 0,
               "udp: encoder refuses a buffer one byte short, writes nothing");
    /* A datagram whose checksum computes to 0 goes out as 0xffff. Find a
     * payload word that makes the sum 0xffff: checksum of the rest. */
    uint8_t zero_case[12] = { 0 };
    uint8_t payload[2] = { 0, 0 };
    buffer = (struct byte_buffer){ zero_case, 0, sizeof zero_case };
    (void)udp_encode(&buffer, source, destination, 1234, 5678, bytes_make(payload, 2));
    store16_be(payload, load16_be(zero_case + 6));
    buffer = (struct byte_buffer){ zero_case, 0, sizeof zero_case };
    result = udp_encode(&buffer, source, destination, 1234, 5678, bytes_make(payload, 2));
    test_check(result == NET_OK && load16_be(zero_case + 6) == 0xffff &&
                   udp_decode(bytes_make(zero_case, 10), source, destination, &udp) == NET_OK && udp.checksummed,
               "udp: a computed checksum of 0 is sent as 0xffff and verifies");
}

static void test_icmp(void)
{
    uint8_t expected[12];
    hex("08003337000100016162" "6364", expected, sizeof expected);
    uint8_t out[12];
    struct byte_buffer buffer = { out, 0, sizeof out };
    struct icmp_echo echo = { ICMP_TYPE_ECHO_REQUEST, 1, 1, bytes_make("abcd", 4) };
    test_check(icmp_echo_encode(&buffer, &echo) == NET_OK && same(out, buffer.len, expected, 12),
               "icmp: echo request id 1 seq 1 \"abcd\" encodes with checksum 0x3337 (by hand)");
    struct icmp_echo decoded;
    test_check(icmp_echo_decode(bytes_make(expected, 12), &decoded) == NET_OK &&
                   decoded.type == ICMP_TYPE_ECHO_REQUEST && decoded.identifier == 1 && decoded.sequence == 1 &&
                   decoded.data.len == 4,
               "icmp: decodes the echo request");
    uint8_t bare[8];
    hex("0800f7fd00010001", bare, sizeof bare);
    test_check(icmp_echo_decode(bytes_make(bare, 8), &decoded) == NET_OK && decoded.data.len == 0,
               "icmp: echo request without data, checksum 0xf7fd (by hand)");
    buffer = (struct byte_buffer){ out, 0, 11 };
    test_check(icmp_echo_encode(&buffer, &echo) == NET_ERR_BUFFER && buffer.len == 0,
               "icmp: encoder refuses a buffer one byte short, writes nothing");
}

static void test_dhcp(void)
{
    uint8_t out[400];
    struct byte_buffer buffer = { out, 0, sizeof out };
    struct dhcp_message discover = { 0 };
    discover.op = DHCP_OP_REQUEST;
    discover.xid = 0x12345678;
    discover.flags = DHCP_FLAG_BROADCAST;
    discover.client_hardware = (struct eth_address){ { 2, 0, 0, 0, 0, 1 } };
    discover.message_type = DHCP_DISCOVER;
    enum net_result result = dhcp_encode(&buffer, &discover);
    uint8_t options[12];
    hex("350101" "3706010333363a3b" "ff", options, sizeof options);
    bool zeros = true;
    for (size_t i = 252; i < 300; i++)
        zeros = zeros && out[i] == 0;
    test_check(result == NET_OK && buffer.len == 300 && out[0] == 1 && out[1] == 1 && out[2] == 6 &&
                   load32_be(out + 4) == 0x12345678 && load16_be(out + 10) == 0x8000 && out[28] == 2 &&
                   out[33] == 1 && load32_be(out + 236) == 0x63825363 && memcmp(out + 240, options, 12) == 0 &&
                   zeros,
               "dhcp: DISCOVER has the fixed fields, cookie, options 53/55/end and is padded to 300 bytes");
    buffer = (struct byte_buffer){ out, 0, 299 };
    test_check(dhcp_encode(&buffer, &discover) == NET_ERR_BUFFER && buffer.len == 0,
               "dhcp: encoder refuses a buffer one byte short, writes nothing");

    /* An OFFER of 192.168.0.10/24, router and server 192.168.0.1, 3600 s. */
    uint8_t offer[300] = { 0 };
    offer[0] = 2, offer[1] = 1, offer[2] = 6;
    store32_be(offer + 4, 0x12345678);
    store32_be(offer + 16, NET_IPV4(192, 168, 0, 10));
    offer[28] = 2, offer[33] = 1;
    size_t n = hex("63825363" "350102" "0104ffffff00" "0304c0a80001" "330400000e10" "3604c0a80001" "0c03616263" "ff",
                   offer + 236, 64);
    struct dhcp_message decoded;
    result = dhcp_decode(bytes_make(offer, 236 + n), &decoded);
    test_check(result == NET_OK && decoded.op == DHCP_OP_REPLY && decoded.message_type == DHCP_OFFER &&
                   decoded.your_ip == NET_IPV4(192, 168, 0, 10) && decoded.subnet_mask == 0xffffff00u &&
                   decoded.router == NET_IPV4(192, 168, 0, 1) && decoded.lease_seconds == 3600 &&
                   decoded.server_id == NET_IPV4(192, 168, 0, 1) &&
                   decoded.present == (DHCP_HAS_SUBNET_MASK | DHCP_HAS_ROUTER | DHCP_HAS_LEASE_TIME |
                                       DHCP_HAS_SERVER_ID),
               "dhcp: hand-built OFFER decodes (mask, router, lease, server; host name skipped)");
    struct dhcp_message untouched;
    memset(&decoded, 0x77, sizeof decoded);
    memset(&untouched, 0x77, sizeof untouched);
    offer[236 + n - 1] = 0; /* the end option becomes a pad: no end */
    test_check(dhcp_decode(bytes_make(offer, 236 + n), &decoded) == NET_ERR_DHCP_NO_END &&
                   memcmp(&decoded, &untouched, sizeof decoded) == 0,
               "dhcp: options without an end refused, output untouched");
}

static void test_messages(void)
{
    bool all = true;
    for (int i = 0; i < NET_ERR_COUNT; i++) {
        const char *name = net_result_name((enum net_result)i);
        const char *message = net_result_message((enum net_result)i);
        if (strncmp(name, "NET_", 4) != 0 || strcmp(name, "NET_ERR_?") == 0 || message[0] == 0 ||
            strcmp(message, "unknown lib/net result") == 0) {
            fprintf(stderr, "result %d has no name or message\n", i);
            all = false;
        }
    }
    test_check(all, "error table: every result has a symbol and a message");
    test_check(strcmp(net_result_name(NET_ERR_COUNT), "NET_ERR_?") == 0 &&
                   strcmp(net_result_message((enum net_result)-1), "unknown lib/net result") == 0,
               "error table: out-of-range results get a placeholder, not a crash");
}

/* ---- the modes for scapy_check.py */

static void print_hex(const uint8_t *data, size_t len)
{
    for (size_t i = 0; i < len; i++)
        printf("%02x", data[i]);
    printf("\n");
}

static bool parse_mac(const char *text, struct eth_address *mac)
{
    unsigned b[6];
    if (sscanf(text, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
        return false;
    for (int i = 0; i < 6; i++)
        mac->bytes[i] = (uint8_t)b[i];
    return true;
}

/* Lines (numbers in decimal, IPv4 addresses as 32-bit numbers, MACs as
 * aa:bb:cc:dd:ee:ff, HEX the payload, "-" for none):
 *   arp OP SRC_MAC SENDER_IP TARGET_MAC TARGET_IP
 *   udp SRC_MAC DST_MAC SRC_IP DST_IP ID TTL SPORT DPORT HEX
 *   icmp SRC_MAC DST_MAC SRC_IP DST_IP ID TTL TYPE IDENT SEQ HEX
 *   dhcp MAC XID TYPE FLAGS CIADDR REQUESTED SERVER   (0: option absent)
 * Ethernet frames are padded to 60 bytes; dhcp prints the bare message. */
#define TOKENS_MAX 12

static int tokenize(char *line, char **tokens)
{
    int count = 0;
    for (char *token = strtok(line, " "); token != NULL && count < TOKENS_MAX; token = strtok(NULL, " "))
        tokens[count++] = token;
    return count;
}

static unsigned long number(const char *text)
{
    return strtoul(text, NULL, 10);
}

static enum net_result encode_ip(struct byte_buffer *out, char **t, bool udp)
{
    struct eth_address source_mac, destination_mac;
    uint8_t payload[1500];
    long n = hex_input_decode(t[udp ? 9 : 10], payload, sizeof payload);
    if (n < 0 || !parse_mac(t[1], &source_mac) || !parse_mac(t[2], &destination_mac))
        return NET_ERR_PARAMETER;
    uint32_t source = (uint32_t)number(t[3]), destination = (uint32_t)number(t[4]);
    struct ipv4_packet fields = { 0, (uint16_t)number(t[5]), true, (uint8_t)number(t[6]),
                                  udp ? IPV4_PROTOCOL_UDP : IPV4_PROTOCOL_ICMP, source, destination, 20,
                                  { NULL, 0 } };
    enum net_result result = eth_encode_header(out, &destination_mac, &source_mac, ETH_TYPE_IPV4);
    if (result == NET_OK)
        result = ipv4_encode_header(out, &fields, 8 + (size_t)n);
    if (result != NET_OK)
        return result;
    if (udp)
        return udp_encode(out, source, destination, (uint16_t)number(t[7]), (uint16_t)number(t[8]),
                          bytes_make(payload, (size_t)n));
    struct icmp_echo echo = { (uint8_t)number(t[7]), (uint16_t)number(t[8]), (uint16_t)number(t[9]),
                              bytes_make(payload, (size_t)n) };
    return icmp_echo_encode(out, &echo);
}

static enum net_result encode_arp(struct byte_buffer *out, char **t)
{
    struct arp_packet arp = { (uint16_t)number(t[1]), { { 0 } }, (uint32_t)number(t[3]), { { 0 } },
                              (uint32_t)number(t[5]) };
    if (!parse_mac(t[2], &arp.sender_hardware) || !parse_mac(t[4], &arp.target_hardware))
        return NET_ERR_PARAMETER;
    enum net_result result = eth_encode_header(out, &eth_broadcast, &arp.sender_hardware, ETH_TYPE_ARP);
    return result == NET_OK ? arp_encode(out, &arp) : result;
}

static enum net_result encode_dhcp(struct byte_buffer *out, char **t)
{
    struct dhcp_message message = { 0 };
    if (!parse_mac(t[1], &message.client_hardware))
        return NET_ERR_PARAMETER;
    message.op = DHCP_OP_REQUEST;
    message.xid = (uint32_t)number(t[2]);
    message.message_type = (uint8_t)number(t[3]);
    message.flags = (uint16_t)number(t[4]);
    message.client_ip = (uint32_t)number(t[5]);
    message.requested_ip = (uint32_t)number(t[6]);
    message.server_id = (uint32_t)number(t[7]);
    message.present = (message.requested_ip ? DHCP_HAS_REQUESTED_IP : 0) |
                      (message.server_id ? DHCP_HAS_SERVER_ID : 0);
    return dhcp_encode(out, &message);
}

static int encode_line(char *line)
{
    uint8_t frame[ETH_FRAME_MAX];
    struct byte_buffer out = { frame, 0, sizeof frame };
    char *t[TOKENS_MAX];
    int count = tokenize(line, t);
    enum net_result result;
    if (count == 6 && strcmp(t[0], "arp") == 0)
        result = encode_arp(&out, t);
    else if (count == 10 && strcmp(t[0], "udp") == 0)
        result = encode_ip(&out, t, true);
    else if (count == 11 && strcmp(t[0], "icmp") == 0)
        result = encode_ip(&out, t, false);
    else if (count == 8 && strcmp(t[0], "dhcp") == 0)
        result = encode_dhcp(&out, t);
    else
        return 1;
    if (result == NET_OK && strcmp(t[0], "dhcp") != 0)
        result = eth_encode_finish(&out);
    if (result != NET_OK)
        printf("error %s\n", net_result_name(result));
    else
        print_hex(frame, out.len);
    return 0;
}

static void ip_text(uint32_t ip, char *out, size_t cap)
{
    snprintf(out, cap, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255);
}

static void summarize_ip(const struct ipv4_packet *ip)
{
    char source[16], destination[16];
    ip_text(ip->source, source, sizeof source);
    ip_text(ip->destination, destination, sizeof destination);
    printf(" ipv4 %s %s %u %u %u", source, destination, ip->protocol, ip->time_to_live, ip->identification);
    enum net_result result;
    if (ip->protocol == IPV4_PROTOCOL_UDP) {
        struct udp_datagram udp;
        result = udp_decode(ip->payload, ip->source, ip->destination, &udp);
        if (result == NET_OK) {
            printf(" udp %u %u %zu", udp.source_port, udp.destination_port, udp.payload.len);
            struct dhcp_message dhcp;
            if ((udp.destination_port == 67 || udp.destination_port == 68) &&
                (result = dhcp_decode(udp.payload, &dhcp)) == NET_OK) {
                ip_text(dhcp.your_ip, source, sizeof source);
                ip_text(dhcp.server_id, destination, sizeof destination);
                printf(" dhcp %u %u %s %s %u", dhcp.message_type, dhcp.xid, source, destination, dhcp.lease_seconds);
            }
        }
    } else if (ip->protocol == IPV4_PROTOCOL_ICMP) {
        struct icmp_echo echo;
        result = icmp_echo_decode(ip->payload, &echo);
        if (result == NET_OK)
            printf(" icmp %u %u %u %zu", echo.type, echo.identifier, echo.sequence, echo.data.len);
    } else {
        result = NET_OK;
    }
    if (result != NET_OK)
        printf(" error %s", net_result_name(result));
}

static void decode_line(const char *line)
{
    uint8_t frame[4096];
    long n = hex_input_decode(line, frame, sizeof frame);
    if (n < 0) {
        printf("bad-hex\n");
        return;
    }
    struct eth_frame ethernet;
    enum net_result result = eth_decode(bytes_make(frame, (size_t)n), &ethernet);
    if (result != NET_OK) {
        printf("error %s\n", net_result_name(result));
        return;
    }
    printf("eth %04x", ethernet.type);
    if (ethernet.type == ETH_TYPE_ARP) {
        struct arp_packet arp;
        result = arp_decode(ethernet.payload, &arp);
        if (result == NET_OK)
            printf(" arp %u %u %u", arp.operation, arp.sender_ip, arp.target_ip);
    } else if (ethernet.type == ETH_TYPE_IPV4) {
        struct ipv4_packet ip;
        result = ipv4_decode(ethernet.payload, &ip);
        if (result == NET_OK)
            summarize_ip(&ip);
    }
    if (result != NET_OK)
        printf(" error %s", net_result_name(result));
    printf("\n");
}

static int line_mode(bool encode)
{
    static char line[8192];
    while (fgets(line, sizeof line, stdin) != NULL) {
        line[strcspn(line, "\r\n")] = 0;
        if (encode ? encode_line(line) != 0 : (decode_line(line), 0) != 0)
            printf("bad-line\n");
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 2 && (strcmp(argv[1], "--encode") == 0 || strcmp(argv[1], "--decode") == 0))
        return line_mode(strcmp(argv[1], "--encode") == 0);
    test_checksum();
    test_ipv4();
    test_ipv4_options();
    test_ethernet_arp();
    test_udp();
    test_icmp();
    test_dhcp();
    test_messages();
    return test_finish();
}
