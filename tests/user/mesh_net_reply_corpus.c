/* The malformed-reply corpus of the mesh capsule's reading of nonos.net's
 * datagram replies (tests/corpus/mesh-net-reply/): bad BIND, SEND and
 * RECEIVE replies, each with the exact refusal of user/lib/net_reply.c,
 * and good ones as controls. A refused reply is never answered (the mesh
 * capsule drops the datagram, or takes the socket as refused): the answer
 * column is "-". Inputs are in the format of tests/user/request_replay.h
 * (label, bytes gathered, total so far, the reply's data).
 * usage: mesh_net_reply_corpus --write DIR | --check DIR (request_corpus.h) */
#include <string.h>

#include "nonos/abi.h"
#include "nonos/net.h"
#include "tests/user/request_corpus.h"
#include "tests/user/request_replay.h"

static struct request_corpus corpus;

static const char *refusal_name(int refusal) { return net_reply_name((enum net_reply_refusal)refusal); }

static const char *answer_name(int refusal)
{
    (void)refusal;
    return "-";
}

static int replay(const uint8_t *input, size_t size)
{
    struct net_reply reply;
    return (int)net_reply_replay(input, size, &reply);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* The reply to `label` with `got` and `first` (the total so far) ahead of
 * `length` bytes of data: `head` first, then 0x63 bytes. */
static void emit(const char *name, const char *what, uint16_t label, uint16_t got, uint16_t first,
                 const uint8_t *head, size_t head_length, size_t length, enum net_reply_refusal expected)
{
    uint8_t data[4 + NONOS_MESSAGE_DATA_MAX + 1];
    memset(data, 0x63, sizeof data);
    put16(data, got);
    put16(data + 2, first);
    if (head != NULL)
        memcpy(data + 4, head, head_length < length ? head_length : length);
    request_corpus_add(&corpus, name, what, label, data, 4 + length, (int)expected);
}

/* A RECEIVE reply from 169.254.20.20:4978 of a `total`-byte datagram,
 * `chunk` bytes after the header. */
static void receive(const char *name, const char *what, uint16_t got, uint16_t first, uint16_t total, size_t chunk,
                    enum net_reply_refusal expected)
{
    uint8_t header[NONOS_NET_UDP_RECEIVE_HEADER] = { 0x14, 0x14, 0xfe, 0xa9, 0x72, 0x13 };
    put16(header + 6, total);
    emit(name, what, NONOS_NET_UDP_RECEIVE, got, first, header, sizeof header, sizeof header + chunk, expected);
}

static void generate(void)
{
    static const uint8_t bind_mesh[5] = { 0, 0x14, 0x14, 0xfe, 0xa9 }, bind_scope_2[5] = { 2, 0x14, 0x14, 0xfe, 0xa9 };
    static const uint8_t sent[1] = { NONOS_NET_SENT }, sent_failed[1] = { NONOS_NET_SENT_FAILED }, sent_4[1] = { 4 };
    emit("ok-bind", "BIND: mesh scope, 169.254.20.20", NONOS_NET_UDP_BIND, 0, 0, bind_mesh, 5, 5, NET_REPLY_OK);
    emit("ok-send", "SEND: sent, and text", NONOS_NET_UDP_SEND, 0, 0, sent, 1, 12, NET_REPLY_OK);
    emit("ok-send-failed", "SEND: failed, alone", NONOS_NET_UDP_SEND, 0, 0, sent_failed, 1, 1, NET_REPLY_OK);
    emit("ok-receive-none", "RECEIVE: nothing queued", NONOS_NET_UDP_RECEIVE, 0, 0, NULL, 0, 0, NET_REPLY_OK);
    receive("ok-receive-head", "the first 248 bytes of 300", 0, 0, 300, 248, NET_REPLY_OK);
    receive("ok-receive-tail", "the last 52 bytes of 300", 248, 300, 300, 52, NET_REPLY_OK);
    receive("ok-receive-empty-datagram", "a datagram of no bytes", 0, 0, 0, 0, NET_REPLY_OK);
    emit("label-report", "a REPORT reply is none the mesh reads", NONOS_NET_REPORT, 0, 0, bind_mesh, 5, 5,
         NET_REPLY_ERR_LABEL);
    emit("label-unbind", "an UNBIND reply is none the mesh reads", NONOS_NET_UDP_UNBIND, 0, 0, NULL, 0, 0,
         NET_REPLY_ERR_LABEL);
    emit("bind-empty", "BIND with no data", NONOS_NET_UDP_BIND, 0, 0, NULL, 0, 0, NET_REPLY_ERR_LENGTH);
    emit("bind-4-bytes", "BIND without the address's last byte", NONOS_NET_UDP_BIND, 0, 0, bind_mesh, 5, 4,
         NET_REPLY_ERR_LENGTH);
    emit("bind-6-bytes", "BIND with a byte more", NONOS_NET_UDP_BIND, 0, 0, bind_mesh, 5, 6, NET_REPLY_ERR_LENGTH);
    emit("bind-scope-2", "BIND of scope 2", NONOS_NET_UDP_BIND, 0, 0, bind_scope_2, 5, 5, NET_REPLY_ERR_SCOPE);
    emit("send-empty", "SEND without a result", NONOS_NET_UDP_SEND, 0, 0, NULL, 0, 0, NET_REPLY_ERR_LENGTH);
    emit("send-257-bytes", "SEND longer than a message", NONOS_NET_UDP_SEND, 0, 0, sent, 1,
         NONOS_MESSAGE_DATA_MAX + 1, NET_REPLY_ERR_LENGTH);
    emit("send-result-4", "SEND result 4, past FAILED", NONOS_NET_UDP_SEND, 0, 0, sent_4, 1, 1, NET_REPLY_ERR_SENT);
    receive("receive-7-bytes", "RECEIVE a byte short of its header", 0, 0, 300, 0, NET_REPLY_ERR_LENGTH);
    corpus.expected.cases[corpus.expected.case_count - 1].length--;
    receive("receive-257-bytes", "RECEIVE longer than a message", 0, 0, 1472, NONOS_MESSAGE_DATA_MAX + 1 - 8,
            NET_REPLY_ERR_LENGTH);
    receive("receive-total-1473", "a datagram longer than one UDP packet", 0, 0, 1473, 248, NET_REPLY_ERR_TOTAL);
    receive("receive-total-65535", "total 65535", 0, 0, 0xffff, 248, NET_REPLY_ERR_TOTAL);
    receive("receive-total-changed", "300 after the first chunk said 600", 248, 600, 300, 52, NET_REPLY_ERR_CHANGED);
    emit("receive-vanished", "nothing queued after 248 of 300", NONOS_NET_UDP_RECEIVE, 248, 300, NULL, 0, 0,
         NET_REPLY_ERR_CHANGED);
    receive("receive-past-total", "11 bytes of a 10-byte datagram", 0, 0, 10, 11, NET_REPLY_ERR_PAST_TOTAL);
    receive("receive-tail-too-long", "53 bytes after 248 of 300", 248, 300, 300, 53, NET_REPLY_ERR_PAST_TOTAL);
    receive("receive-stalled", "no bytes after 248 of 300", 248, 300, 300, 0, NET_REPLY_ERR_STALLED);
    receive("receive-stalled-first", "a first chunk of no bytes of 300", 0, 0, 300, 0, NET_REPLY_ERR_STALLED);
}

int main(int argc, char **argv)
{
    corpus.name = "mesh-net-reply";
    corpus.program = "mesh_net_reply_corpus (tests/user/mesh_net_reply_corpus.c)";
    corpus.input = "label of the request (2, LE), bytes gathered (2), total so far (2), the reply's data";
    corpus.refusal_count = NET_REPLY_ERR_COUNT;
    corpus.refusal_name = refusal_name;
    corpus.answer_name = answer_name;
    corpus.replay = replay;
    generate();
    return request_corpus_main(&corpus, argc, argv);
}
