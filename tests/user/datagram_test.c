/* nonos.net's datagram API (user/net/datagram.c over user/lib/datagram_wire.c)
 * on the host: first the pure decoder and checks, each refusal with its
 * exact code; then datagram_answer against the fake kernel (process_info
 * and capsule_info answer who the client is) and a lib/net stack from
 * tests/net/fixture.c (169.254.10.10 claimed, DHCP on): every IPC error label the API has (INVALID_ARGUMENT,
 * DENIED, EXISTS, SLOT_LIMIT), each checked to change nothing, and the
 * answers of good requests (bind, chunked send, chunked receive, unbind).
 * The corpus of bad requests is checked by datagram_corpus.c. */
#include <string.h>

#include "base/endian.h"
#include "user/net/datagram.h"
#include "datagram_wire.h"
#include "fake_kernel.h"
#include "net/ethernet.h"
#include "net/ipv4.h"
#include "net/udp.h"
#include "nonos/error.h"
#include "nonos/net.h"
#include "tests/host/test.h"
#include "tests/net/fixture.h"

/* The capsule's lock (main.c); one thread here. */
void net_lock(void) {}
void net_unlock(void) {}

/* ---- the pure part */

static enum datagram_refusal decode(uint64_t label, uint32_t length, struct datagram_request *out)
{
    static uint8_t data[NONOS_MESSAGE_DATA_MAX];
    memset(data, 0x5a, sizeof data);
    return datagram_wire_decode(label, data, length, out);
}

static bool all_zero(const struct datagram_request *r)
{
    static const struct datagram_request zero;
    return memcmp(r, &zero, sizeof zero) == 0;
}

static void test_decode(void)
{
    struct datagram_request r;
    const uint64_t labels[] = { 0, NONOS_NET_REPORT, NONOS_NET_PING, 7, 1ull << 40 };
    for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
        test_check(decode(labels[i], 2, &r) == DATAGRAM_ERR_LABEL && all_zero(&r),
                   "datagram_wire: label %llu is DATAGRAM_ERR_LABEL", (unsigned long long)labels[i]);
    const struct { uint64_t label; uint32_t length; } bad[] = {
        { NONOS_NET_UDP_BIND, 0 }, { NONOS_NET_UDP_BIND, 1 }, { NONOS_NET_UDP_BIND, 3 },
        { NONOS_NET_UDP_UNBIND, 4 }, { NONOS_NET_UDP_RECEIVE, 2 }, { NONOS_NET_UDP_RECEIVE, 5 },
        { NONOS_NET_UDP_SEND, 0 }, { NONOS_NET_UDP_SEND, NONOS_NET_UDP_SEND_HEADER - 1 },
        { NONOS_NET_UDP_SEND, NONOS_MESSAGE_DATA_MAX + 1 }, { NONOS_NET_UDP_SEND, 0xffffffffu },
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        test_check(decode(bad[i].label, bad[i].length, &r) == DATAGRAM_ERR_LENGTH && all_zero(&r),
                   "datagram_wire: label %llu with %u bytes is DATAGRAM_ERR_LENGTH",
                   (unsigned long long)bad[i].label, bad[i].length);
    uint8_t send[NONOS_MESSAGE_DATA_MAX] = { 0x34, 0x12, 0x04, 0x03, 0x02, 0x01, 0x50, 0xc3, 0x2c, 0x01, 0xf4, 0x00, 'x' };
    test_check(datagram_wire_decode(NONOS_NET_UDP_SEND, send, 13, &r) == DATAGRAM_OK && r.port == 0x1234 &&
               r.address == 0x01020304 && r.remote_port == 50000 && r.total == 300 && r.offset == 244 &&
               r.chunk == send + 12 && r.chunk_length == 1,
               "datagram_wire: a SEND's fields are read little endian, its chunk is a view");
    test_check(datagram_wire_decode(NONOS_NET_UDP_SEND, send, NONOS_MESSAGE_DATA_MAX, &r) == DATAGRAM_OK &&
               r.chunk_length == NONOS_MESSAGE_DATA_MAX - NONOS_NET_UDP_SEND_HEADER &&
               datagram_wire_decode(NONOS_NET_UDP_SEND, send, NONOS_NET_UDP_SEND_HEADER, &r) == DATAGRAM_OK &&
               r.chunk_length == 0,
               "datagram_wire: SEND takes 12..256 bytes (chunks of 0..244)");
    uint8_t receive[4] = { 0x58, 0x1b, 0xf8, 0x00 };
    test_check(datagram_wire_decode(NONOS_NET_UDP_RECEIVE, receive, 4, &r) == DATAGRAM_OK && r.port == 7000 &&
               r.offset == 248 && r.chunk == NULL,
               "datagram_wire: RECEIVE reads port and offset");
    test_check(datagram_wire_decode(NONOS_NET_UDP_UNBIND, receive, 2, &r) == DATAGRAM_OK && r.port == 7000 &&
               r.offset == 0 && r.label == NONOS_NET_UDP_UNBIND,
               "datagram_wire: UNBIND reads the port only");
}

static enum datagram_refusal send_check(uint16_t total, uint16_t offset, uint32_t chunk, uint16_t gathered)
{
    struct datagram_request r = { .label = NONOS_NET_UDP_SEND, .total = total, .offset = offset, .chunk_length = chunk };
    return datagram_wire_send_check(&r, gathered);
}

static void test_send_check(void)
{
    const struct { uint16_t total, offset; uint32_t chunk; uint16_t gathered; enum datagram_refusal expected; const char *what; } cases[] = {
        { 1, 0, 1, 0, DATAGRAM_OK, "a one-byte datagram" },
        { NONOS_NET_UDP_MAX, 0, 244, 0, DATAGRAM_OK, "the first chunk of the largest datagram" },
        { NONOS_NET_UDP_MAX, 1464, 8, 1464, DATAGRAM_OK, "its last chunk" },
        { 300, 0, 244, 100, DATAGRAM_OK, "offset 0 starting over a send in progress" },
        { 0, 0, 1, 0, DATAGRAM_ERR_TOTAL, "total 0" },
        { NONOS_NET_UDP_MAX + 1, 0, 1, 0, DATAGRAM_ERR_TOTAL, "total 1473" },
        { 0xffff, 0, 244, 0, DATAGRAM_ERR_TOTAL, "total 65535" },
        { 300, 244, 56, 0, DATAGRAM_ERR_OFFSET, "a continuation with nothing gathered" },
        { 300, 100, 56, 244, DATAGRAM_ERR_OFFSET, "an offset behind the bytes gathered" },
        { 600, 488, 56, 244, DATAGRAM_ERR_OFFSET, "an offset past the bytes gathered" },
        { 10, 0, 11, 0, DATAGRAM_ERR_PAST_TOTAL, "a first chunk longer than the total" },
        { 300, 244, 57, 244, DATAGRAM_ERR_PAST_TOTAL, "a last chunk one byte too long" },
        { 300, 0, 0, 0, DATAGRAM_ERR_EMPTY_CHUNK, "an empty first chunk" },
        { 300, 244, 0, 244, DATAGRAM_ERR_EMPTY_CHUNK, "an empty continuation" },
        { 0, 5, 0, 0, DATAGRAM_ERR_TOTAL, "several faults: the total is named first" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum datagram_refusal got = send_check(cases[i].total, cases[i].offset, cases[i].chunk, cases[i].gathered);
        test_check(got == cases[i].expected, "datagram_wire: send check of %s is %s (got %s)", cases[i].what,
                   datagram_wire_name(cases[i].expected), datagram_wire_name(got));
    }
}

static void test_receive_window(void)
{
    uint32_t chunk = 77;
    test_check(datagram_wire_receive_window(300, 301, &chunk) == DATAGRAM_ERR_RECEIVE_OFFSET && chunk == 77 &&
               datagram_wire_receive_window(0, 1, &chunk) == DATAGRAM_ERR_RECEIVE_OFFSET && chunk == 77,
               "datagram_wire: a read offset past the datagram is DATAGRAM_ERR_RECEIVE_OFFSET, *chunk untouched");
    test_check(datagram_wire_receive_window(300, 0, &chunk) == DATAGRAM_OK && chunk == 248 &&
               datagram_wire_receive_window(300, 248, &chunk) == DATAGRAM_OK && chunk == 52 &&
               datagram_wire_receive_window(300, 300, &chunk) == DATAGRAM_OK && chunk == 0 &&
               datagram_wire_receive_window(0, 0, &chunk) == DATAGRAM_OK && chunk == 0,
               "datagram_wire: reads come in chunks of at most 248 bytes, 0 at the end");
}

static void test_names(void)
{
    bool ok = datagram_wire_error(DATAGRAM_OK) == 0 && strcmp(datagram_wire_name(DATAGRAM_OK), "DATAGRAM_OK") == 0 &&
              strcmp(datagram_wire_name(DATAGRAM_ERR_COUNT), "DATAGRAM_ERR_?") == 0 &&
              strcmp(datagram_wire_name((enum datagram_refusal)-1), "DATAGRAM_ERR_?") == 0;
    for (int i = 1; i < DATAGRAM_ERR_COUNT; i++)
        ok = ok && datagram_wire_error((enum datagram_refusal)i) == NONOS_ERROR_INVALID_ARGUMENT &&
             strncmp(datagram_wire_name((enum datagram_refusal)i), "DATAGRAM_ERR_", 13) == 0 &&
             strcmp(datagram_wire_name((enum datagram_refusal)i), "DATAGRAM_ERR_?") != 0;
    test_check(ok, "datagram_wire: every refusal has a symbol and is answered INVALID_ARGUMENT");
}

/* ---- the capsule's answers */

enum { MESH = 2, WEB = 3, PLAIN = 4, FORGED = 5, GONE = 6, MESH_TWO = 7 }; /* process ids */

static struct net_stack stack;
static struct net_link link;
static uint64_t clock_ms;
static struct nonos_message message;

static void setup(void)
{
    fake_reset(NONOS_RIGHT_WRITE, 0, NONOS_RIGHT_READ);
    fake_capsule("net", NONOS_RESTART_ALWAYS);
    fake_capsule("mesh", NONOS_RESTART_NEVER)->allow_mesh = 1;
    fake_capsule("web", NONOS_RESTART_NEVER)->allow_clearnet = 1;
    fake_capsule("plain", NONOS_RESTART_NEVER);
    struct nonos_capsule_info *forged = fake_capsule("forged", NONOS_RESTART_NEVER);
    forged->allow_clearnet = 1;
    forged->verified = 0;
    fake_capsule("gone", NONOS_RESTART_NEVER)->allow_mesh = 1;
    fake_process("net", NONOS_PROCESS_RUNNING);    /* 1 */
    fake_process("mesh", NONOS_PROCESS_RUNNING);   /* 2 */
    fake_process("web", NONOS_PROCESS_RUNNING);    /* 3 */
    fake_process("plain", NONOS_PROCESS_RUNNING);  /* 4 */
    fake_process("forged", NONOS_PROCESS_RUNNING); /* 5 */
    fake_process("gone", NONOS_PROCESS_EXITED);    /* 6 */
    fake_process("mesh", NONOS_PROCESS_RUNNING);   /* 7 */
}

/* One request from `client`: the answer's label; the reply in `message`. */
static uint64_t ask(uint64_t client, uint64_t label, const uint8_t *data, uint32_t length)
{
    memset(&message, 0xee, sizeof message);
    message.label = label;
    message.badge = client;
    message.length = length;
    memcpy(message.data, data, length);
    return datagram_answer(&stack, &message);
}

static uint64_t request_bind(uint64_t client, uint16_t port)
{
    uint8_t data[2] = { (uint8_t)port, (uint8_t)(port >> 8) };
    return ask(client, NONOS_NET_UDP_BIND, data, 2);
}

static uint64_t request_unbind(uint64_t client, uint16_t port)
{
    uint8_t data[2] = { (uint8_t)port, (uint8_t)(port >> 8) };
    return ask(client, NONOS_NET_UDP_UNBIND, data, 2);
}

static uint64_t request_send(uint64_t client, uint16_t port, uint32_t to, uint16_t total, uint16_t offset, uint32_t chunk)
{
    uint8_t data[NONOS_MESSAGE_DATA_MAX];
    store16_le(data, port), store32_le(data + 2, to), store16_le(data + 6, 9);
    store16_le(data + 8, total), store16_le(data + 10, offset);
    for (uint32_t i = 0; i < chunk && NONOS_NET_UDP_SEND_HEADER + i < sizeof data; i++)
        data[NONOS_NET_UDP_SEND_HEADER + i] = (uint8_t)(offset + i);
    return ask(client, NONOS_NET_UDP_SEND, data, NONOS_NET_UDP_SEND_HEADER + chunk);
}

static uint64_t request_receive(uint64_t client, uint16_t port, uint16_t offset)
{
    uint8_t data[4];
    store16_le(data, port), store16_le(data + 2, offset);
    return ask(client, NONOS_NET_UDP_RECEIVE, data, 4);
}

static bool sent_reply(uint8_t code, const char *text)
{
    size_t n = strlen(text);
    return message.length == 1 + n && message.data[0] == code && memcmp(message.data + 1, text, n) == 0;
}

/* A datagram of `length` bytes (byte i is i) from 169.254.20.20:9 to the stack's port. */
static enum net_result deliver(uint16_t port, uint16_t length)
{
    static uint8_t frame[ETH_FRAME_MAX], payload[NONOS_NET_UDP_MAX];
    const struct eth_address peer = { { 0x02, 0, 0, 0, 0, 0x20 } }, us = NET_FIXTURE_MAC;
    struct byte_buffer b = { frame, 0, sizeof frame };
    struct ipv4_packet ip = { 0, 1, true, 64, IPV4_PROTOCOL_UDP, NET_IPV4(169, 254, 20, 20), NET_FIXTURE_LINK_LOCAL, 20, { NULL, 0 } };
    for (size_t i = 0; i < length; i++)
        payload[i] = (uint8_t)i;
    if (eth_encode_header(&b, &us, &peer, ETH_TYPE_IPV4) != NET_OK ||
        ipv4_encode_header(&b, &ip, UDP_HEADER_SIZE + length) != NET_OK ||
        udp_encode(&b, ip.source, ip.destination, 9, port, bytes_make(payload, length)) != NET_OK ||
        eth_encode_finish(&b) != NET_OK)
        return NET_ERR_BUFFER;
    return net_stack_input(&stack, bytes_make(frame, b.len));
}

static void test_refusals(void)
{
    uint8_t two[2] = { 0x10, 0x27 }; /* port 10000 */
    test_check(ask(PLAIN, NONOS_NET_UDP_BIND, two, 3) == NONOS_ERROR_INVALID_ARGUMENT &&
               ask(MESH, NONOS_NET_UDP_RECEIVE, two, 2) == NONOS_ERROR_INVALID_ARGUMENT &&
               ask(MESH, NONOS_NET_PING, two, 2) == NONOS_ERROR_INVALID_ARGUMENT,
               "datagram: a bad length or label is INVALID_ARGUMENT, also before the client is looked at");
    test_check(request_bind(PLAIN, 10000) == NONOS_ERROR_DENIED && request_bind(FORGED, 10000) == NONOS_ERROR_DENIED &&
               request_bind(GONE, 10000) == NONOS_ERROR_DENIED && request_bind(99, 10000) == NONOS_ERROR_DENIED,
               "datagram: no socket without allow_mesh/allow_clearnet, for an unverified capsule, "
               "an ended or unknown process (DENIED)");
    test_check(request_send(MESH, 10000, 1, 1, 0, 1) == NONOS_ERROR_DENIED && request_receive(MESH, 10000, 0) == NONOS_ERROR_DENIED &&
               request_unbind(MESH, 10000) == NONOS_ERROR_DENIED,
               "datagram: send, receive, unbind on a port nobody bound are DENIED");
    test_check(request_bind(MESH, 68) == NONOS_ERROR_EXISTS,
               "datagram: the stack's own port (DHCP's 68) is EXISTS");
}

static void test_bind_and_owner(void)
{
    bool ok = request_bind(MESH, 10000) == 0 && message.length == 5 && message.data[0] == NONOS_NET_SCOPE_MESH &&
              load32_le(message.data + 1) == NET_FIXTURE_LINK_LOCAL;
    test_check(ok, "datagram: BIND from a mesh capsule answers the mesh scope and 169.254.10.10");
    test_check(request_bind(WEB, 10001) == 0 && message.length == 5 && message.data[0] == NONOS_NET_SCOPE_CLEARNET,
               "datagram: BIND from an allow_clearnet capsule answers the clearnet scope");
    test_check(request_bind(MESH, 10000) == 0 && message.data[0] == NONOS_NET_SCOPE_MESH,
               "datagram: binding one's own port again is answered as the first time");
    test_check(request_bind(MESH_TWO, 10000) == NONOS_ERROR_EXISTS && request_bind(WEB, 10000) == NONOS_ERROR_EXISTS,
               "datagram: a port a live capsule holds is EXISTS for another");
    test_check(request_send(WEB, 10000, NET_IPV4(169, 254, 20, 20), 1, 0, 1) == NONOS_ERROR_DENIED &&
               request_receive(WEB, 10000, 0) == NONOS_ERROR_DENIED && request_unbind(MESH_TWO, 10000) == NONOS_ERROR_DENIED &&
               request_send(MESH, 10000, NET_IPV4(169, 254, 20, 20), 1, 0, 1) == 0,
               "datagram: only the owner may send, receive, unbind (DENIED), and the port stays the owner's");
}

static void test_send(void)
{
    const uint32_t peer = NET_IPV4(169, 254, 20, 20);
    test_check(request_send(MESH, 10000, peer, 0, 0, 1) == NONOS_ERROR_INVALID_ARGUMENT &&
               request_send(MESH, 10000, peer, NONOS_NET_UDP_MAX + 1, 0, 1) == NONOS_ERROR_INVALID_ARGUMENT &&
               request_send(MESH, 10000, peer, 10, 0, 11) == NONOS_ERROR_INVALID_ARGUMENT &&
               request_send(MESH, 10000, peer, 10, 0, 0) == NONOS_ERROR_INVALID_ARGUMENT &&
               request_send(MESH, 10000, peer, 300, 244, 56) == NONOS_ERROR_INVALID_ARGUMENT,
               "datagram: a bad total, a chunk past it, an empty chunk, an offset not gathered are INVALID_ARGUMENT");
    bool first = request_send(MESH, 10000, peer, 300, 0, 244) == 0 && sent_reply(NONOS_NET_SENT, "NET_OK");
    bool refused = request_send(MESH, 10000, peer, 300, 100, 56) == NONOS_ERROR_INVALID_ARGUMENT &&
                   request_send(MESH, 10000, peer, 300, 244, 57) == NONOS_ERROR_INVALID_ARGUMENT;
    link.count = 0;
    bool last = request_send(MESH, 10000, peer, 300, 244, 56) == 0 && sent_reply(NONOS_NET_SENT, "NET_OK");
    test_check(first && refused && last,
               "datagram: a 300-byte send in two chunks; refused chunks between them change nothing");
    test_check(request_send(MESH, 10000, NET_IPV4(8, 8, 8, 8), 5, 0, 5) == 0 &&
                   sent_reply(NONOS_NET_SENT_NO_ROUTE, "NET_ERR_NO_ROUTE"),
               "datagram: a mesh-scope socket has no route to 8.8.8.8 (SENT_NO_ROUTE, NET_ERR_NO_ROUTE)");
}

static void test_receive(void)
{
    test_check(request_receive(MESH, 10000, 0) == 0 && message.length == 0 && request_receive(MESH, 10000, 9) == 0 &&
                   message.length == 0,
               "datagram: RECEIVE with nothing queued answers length 0");
    bool delivered = deliver(10000, 300) == NET_OK;
    bool head = request_receive(MESH, 10000, 0) == 0 && message.length == 8 + 248 &&
                load32_le(message.data) == NET_IPV4(169, 254, 20, 20) && load16_le(message.data + 4) == 9 &&
                load16_le(message.data + 6) == 300 && message.data[8] == 0 && message.data[8 + 247] == 247;
    bool past = request_receive(MESH, 10000, 301) == NONOS_ERROR_INVALID_ARGUMENT;
    bool tail = request_receive(MESH, 10000, 248) == 0 && message.length == 8 + 52 && message.data[8] == 248 &&
                message.data[8 + 51] == (uint8_t)299;
    test_check(delivered && head && past && tail,
               "datagram: a 300-byte datagram is read in chunks of 248 and 52; an offset past it is "
               "INVALID_ARGUMENT and the datagram stays held");
}

static void test_unbind_and_limits(void)
{
    test_check(request_unbind(MESH, 10000) == 0 && message.length == 0 && request_send(MESH, 10000, 1, 1, 0, 1) == NONOS_ERROR_DENIED &&
                   request_bind(MESH_TWO, 10000) == 0,
               "datagram: UNBIND frees the port for another capsule");
    fake.processes[MESH_TWO - 1].state = NONOS_PROCESS_KILLED;
    test_check(request_bind(MESH, 10000) == 0 && message.data[0] == NONOS_NET_SCOPE_MESH,
               "datagram: a port whose owner has ended may be taken");
    bool filled = true; /* 10000 and 10001 are held: four more sockets */
    for (uint16_t port = 20000; port < 20004; port++)
        filled = filled && request_bind(WEB, port) == 0;
    test_check(filled && request_bind(WEB, 20004) == NONOS_ERROR_SLOT_LIMIT && request_unbind(WEB, 20000) == 0 &&
                   request_bind(WEB, 20004) == 0,
               "datagram: six client sockets, the seventh is SLOT_LIMIT until one is unbound");
}

int main(void)
{
    test_decode();
    test_send_check();
    test_receive_window();
    test_names();
    setup();
    /* The capsule's stack holds DHCP's port only: the fixture's two go. */
    if (net_fixture_stack(&stack, &link, &clock_ms) != 0 || net_udp_unbind(&stack, NET_FIXTURE_MESH_PORT) != NET_OK ||
        net_udp_unbind(&stack, NET_FIXTURE_CLEARNET_PORT) != NET_OK) {
        test_check(false, "datagram: the fixture stack claimed 169.254.10.10");
        return test_finish();
    }
    test_refusals();
    test_bind_and_owner();
    test_send();
    test_receive();
    test_unbind_and_limits();
    return test_finish();
}
