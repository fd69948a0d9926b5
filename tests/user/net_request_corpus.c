/* The malformed-request corpus of nonos.net's REPORT and PING and its
 * label dispatch (tests/corpus/net-request/): bad requests, each with the
 * exact refusal of user/net/request.c and the IPC label the capsule
 * answers it with, and good ones as controls (a datagram or NOTIFY
 * request is good here whatever its data: its own decoder, with its own
 * corpus, checks that). Inputs are in the format of
 * tests/user/request_replay.h (label, then the data).
 * usage: net_request_corpus --write DIR | --check DIR (request_corpus.h) */
#include <string.h>

#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/net.h"
#include "tests/user/request_corpus.h"
#include "tests/user/request_replay.h"

static struct request_corpus corpus;

static const char *refusal_name(int refusal) { return net_request_name((enum net_request_refusal)refusal); }

static const char *answer_name(int refusal)
{
    return net_request_error((enum net_request_refusal)refusal) == 0 ? "0" : "NONOS_ERROR_INVALID_ARGUMENT";
}

static int replay(const uint8_t *input, size_t size)
{
    struct net_request request;
    return (int)net_request_replay(input, size, &request);
}

/* `length` bytes of data: 10.0.77.1, sequence 3, then 0x63 bytes. */
static void emit(const char *name, const char *what, uint16_t label, size_t length, enum net_request_refusal expected)
{
    uint8_t data[NONOS_MESSAGE_DATA_MAX + 1];
    static const uint8_t fields[6] = { 0x01, 0x4d, 0x00, 0x0a, 0x03, 0x00 };
    memset(data, 0x63, sizeof data);
    memcpy(data, fields, sizeof fields);
    request_corpus_add(&corpus, name, what, label, data, length, (int)expected);
}

static void generate(void)
{
    emit("ok-report", "REPORT from offset 0x0a004d01 (past the end: an empty reply)", NONOS_NET_REPORT, 4,
         NET_REQUEST_OK);
    emit("ok-ping", "PING 10.0.77.1 sequence 3", NONOS_NET_PING, 6, NET_REQUEST_OK);
    emit("ok-udp-bind", "UDP_BIND: handed on to datagram_wire", NONOS_NET_UDP_BIND, 2, NET_REQUEST_OK);
    emit("ok-udp-send-any-length", "UDP_SEND of 7 bytes: datagram_wire refuses it, not this", NONOS_NET_UDP_SEND, 7,
         NET_REQUEST_OK);
    emit("ok-udp-notify", "UDP_NOTIFY: handed on to wake_request", NONOS_NET_UDP_NOTIFY, 10, NET_REQUEST_OK);
    emit("label-0", "label 0", 0, 4, NET_REQUEST_ERR_LABEL);
    emit("label-8", "label 8, past UDP_NOTIFY", 8, 6, NET_REQUEST_ERR_LABEL);
    emit("label-65535", "label 65535", 0xffff, 4, NET_REQUEST_ERR_LABEL);
    emit("label-257", "label 0x101: the high byte counts", 0x101, 4,
         NET_REQUEST_ERR_LABEL);
    emit("report-empty", "REPORT without an offset", NONOS_NET_REPORT, 0, NET_REQUEST_ERR_LENGTH);
    emit("report-3-bytes", "REPORT with 3 bytes of offset", NONOS_NET_REPORT, 3, NET_REQUEST_ERR_LENGTH);
    emit("report-5-bytes", "REPORT with a byte after the offset", NONOS_NET_REPORT, 5, NET_REQUEST_ERR_LENGTH);
    emit("ping-empty", "PING without an address", NONOS_NET_PING, 0, NET_REQUEST_ERR_LENGTH);
    emit("ping-4-bytes", "PING without a sequence number", NONOS_NET_PING, 4, NET_REQUEST_ERR_LENGTH);
    emit("ping-7-bytes", "PING with a byte after the sequence", NONOS_NET_PING, 7, NET_REQUEST_ERR_LENGTH);
    emit("ping-whole-message", "PING of 256 bytes", NONOS_NET_PING, NONOS_MESSAGE_DATA_MAX, NET_REQUEST_ERR_LENGTH);
    emit("udp-bind-257-bytes", "UDP_BIND longer than a message", NONOS_NET_UDP_BIND, NONOS_MESSAGE_DATA_MAX + 1,
         NET_REQUEST_ERR_LENGTH);
    emit("notify-257-bytes", "UDP_NOTIFY longer than a message", NONOS_NET_UDP_NOTIFY, NONOS_MESSAGE_DATA_MAX + 1,
         NET_REQUEST_ERR_LENGTH);
}

int main(int argc, char **argv)
{
    corpus.name = "net-request";
    corpus.program = "net_request_corpus (tests/user/net_request_corpus.c)";
    corpus.input = "label (2, LE), the message's data";
    corpus.refusal_count = NET_REQUEST_ERR_COUNT;
    corpus.refusal_name = refusal_name;
    corpus.answer_name = answer_name;
    corpus.replay = replay;
    generate();
    return request_corpus_main(&corpus, argc, argv);
}
