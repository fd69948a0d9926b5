/* The malformed-request corpus of nonos.net's datagram API
 * (tests/corpus/net-datagram/): bad requests, each with the exact refusal
 * of user/lib/datagram_wire.c and the IPC label the capsule answers it
 * with, and a few good ones as controls. Inputs are in the format of
 * tests/user/datagram_replay.h (label, socket state, message data).
 *
 * The cases are generated here and committed with an `expected` file, as
 * tests/user/request_corpus.h describes (its layout began here):
 *   <case> <DATAGRAM_...> <answer label: 0 or NONOS_ERROR_INVALID_ARGUMENT>  # what
 * usage: datagram_corpus --write DIR | --check DIR */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/net.h"
#include "tests/user/datagram_replay.h"
#include "tests/user/request_corpus.h"

static struct request_corpus corpus;

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

/* A case: label, socket state, `length` bytes of data (port 10000 first,
 * then `fields` 16-bit words, then 0x63 bytes). */
static void emit(const char *name, const char *what, uint16_t label, uint16_t state, size_t length,
                 const uint16_t *fields, size_t field_count, enum datagram_refusal expected)
{
    uint8_t bytes[REQUEST_CASE_SIZE];
    if (2 + length > sizeof bytes) {
        fprintf(stderr, "datagram_corpus: too large a case\n");
        exit(2);
    }
    memset(bytes, 0x63, sizeof bytes);
    put16(bytes, state);
    uint8_t *data = bytes + 2;
    if (length >= 2)
        put16(data, 10000);
    for (size_t i = 0; i < field_count && 2 + 2 * i + 2 <= length; i++)
        put16(data + 2 + 2 * i, fields[i]);
    request_corpus_add(&corpus, name, what, label, bytes, 2 + length, (int)expected);
}

/* A SEND: destination 169.254.20.20:9, total, offset, `chunk` bytes. */
static void emit_send(const char *name, const char *what, uint16_t gathered, uint16_t total, uint16_t offset,
                      size_t chunk, enum datagram_refusal expected)
{
    const uint16_t fields[] = { 0x1414, 0xa9fe, 9, total, offset };
    emit(name, what, NONOS_NET_UDP_SEND, gathered, NONOS_NET_UDP_SEND_HEADER + chunk, fields, 5, expected);
}

static void emit_receive(const char *name, const char *what, uint16_t held, uint16_t offset,
                         enum datagram_refusal expected)
{
    emit(name, what, NONOS_NET_UDP_RECEIVE, held, 4, &offset, 1, expected);
}

static void generate(void)
{
    emit("ok-bind", "BIND port 10000", NONOS_NET_UDP_BIND, 0, 2, NULL, 0, DATAGRAM_OK);
    emit("ok-unbind", "UNBIND port 10000", NONOS_NET_UDP_UNBIND, 0, 2, NULL, 0, DATAGRAM_OK);
    emit_send("ok-send-one-chunk", "a 5-byte datagram in one chunk", 0, 5, 0, 5, DATAGRAM_OK);
    emit_send("ok-send-continuation", "the last 56 bytes of 300 after 244", 244, 300, 244, 56, DATAGRAM_OK);
    emit_send("ok-send-largest-first-chunk", "244 bytes of a 1472-byte datagram", 0, 1472, 0, 244, DATAGRAM_OK);
    emit_receive("ok-receive-head", "the first 248 bytes of a held 300", 300, 0, DATAGRAM_OK);
    emit_receive("ok-receive-at-end", "offset 300 of a held 300: nothing more", 300, 300, DATAGRAM_OK);
    emit("label-0", "label 0", 0, 0, 2, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-report", "REPORT is not a datagram request", NONOS_NET_REPORT, 0, 4, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-ping", "PING is not a datagram request", NONOS_NET_PING, 0, 6, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-7", "label 7, past UNBIND", 7, 0, 2, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("label-65535", "label 65535", 0xffff, 0, 2, NULL, 0, DATAGRAM_ERR_LABEL);
    emit("bind-empty", "BIND without a port", NONOS_NET_UDP_BIND, 0, 0, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("bind-1-byte", "BIND with half a port", NONOS_NET_UDP_BIND, 0, 1, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("bind-3-bytes", "BIND with a byte after the port", NONOS_NET_UDP_BIND, 0, 3, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("unbind-4-bytes", "UNBIND with two bytes after the port", NONOS_NET_UDP_UNBIND, 0, 4, NULL, 0,
         DATAGRAM_ERR_LENGTH);
    emit("receive-2-bytes", "RECEIVE without an offset", NONOS_NET_UDP_RECEIVE, 0, 2, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit("receive-5-bytes", "RECEIVE with a byte after the offset", NONOS_NET_UDP_RECEIVE, 0, 5, NULL, 0,
         DATAGRAM_ERR_LENGTH);
    emit("send-empty", "SEND with no data", NONOS_NET_UDP_SEND, 0, 0, NULL, 0, DATAGRAM_ERR_LENGTH);
    emit_send("send-11-bytes", "SEND one byte short of its header", 0, 5, 0, 0, DATAGRAM_ERR_LENGTH);
    corpus.expected.cases[corpus.expected.case_count - 1].length--;
    emit_send("send-257-bytes", "SEND longer than a message", 0, 245, 0, NONOS_MESSAGE_DATA_MAX + 1 - 12,
              DATAGRAM_ERR_LENGTH);
    emit_send("send-total-0", "a datagram of total length 0", 0, 0, 0, 1, DATAGRAM_ERR_TOTAL);
    emit_send("send-total-1473", "a datagram longer than one UDP packet", 0, 1473, 0, 244, DATAGRAM_ERR_TOTAL);
    emit_send("send-total-65535", "total 65535", 0, 0xffff, 0, 244, DATAGRAM_ERR_TOTAL);
    emit_send("send-offset-nothing-gathered", "a continuation with no send in progress", 0, 300, 244, 56,
              DATAGRAM_ERR_OFFSET);
    emit_send("send-offset-behind", "offset 100 after 244 bytes gathered", 244, 300, 100, 56, DATAGRAM_ERR_OFFSET);
    emit_send("send-offset-ahead", "offset 488 after 244 bytes gathered", 244, 600, 488, 56, DATAGRAM_ERR_OFFSET);
    emit_send("send-chunk-past-total", "11 bytes of a 10-byte datagram", 0, 10, 0, 11, DATAGRAM_ERR_PAST_TOTAL);
    emit_send("send-last-chunk-too-long", "57 bytes after 244 of 300", 244, 300, 244, 57, DATAGRAM_ERR_PAST_TOTAL);
    emit_send("send-offset-wraps", "offset 65535 gathered, past any total", 0xffff, 1472, 0xffff, 1,
              DATAGRAM_ERR_PAST_TOTAL);
    emit_send("send-empty-chunk", "a first chunk of no bytes", 0, 300, 0, 0, DATAGRAM_ERR_EMPTY_CHUNK);
    emit_send("send-empty-continuation", "a continuation of no bytes", 244, 300, 244, 0, DATAGRAM_ERR_EMPTY_CHUNK);
    emit_receive("receive-offset-past-datagram", "offset 301 of a held 300", 300, 301, DATAGRAM_ERR_RECEIVE_OFFSET);
    emit_receive("receive-offset-65535", "offset 65535 of a held 1", 1, 0xffff, DATAGRAM_ERR_RECEIVE_OFFSET);
}

static const char *refusal_name(int refusal) { return datagram_wire_name((enum datagram_refusal)refusal); }

static const char *answer_name(int refusal)
{
    return datagram_wire_error((enum datagram_refusal)refusal) == 0 ? "0" : "NONOS_ERROR_INVALID_ARGUMENT";
}

static int replay(const uint8_t *input, size_t size)
{
    struct datagram_request request;
    uint32_t chunk;
    return (int)datagram_replay(input, size, &request, &chunk);
}

int main(int argc, char **argv)
{
    corpus.name = "net-datagram";
    corpus.program = "datagram_corpus (tests/user/datagram_corpus.c)";
    corpus.input = "label (2, LE), socket state (2: SEND bytes gathered, RECEIVE held length), data";
    corpus.refusal_count = DATAGRAM_ERR_COUNT;
    corpus.refusal_name = refusal_name;
    corpus.answer_name = answer_name;
    corpus.replay = replay;
    generate();
    return request_corpus_main(&corpus, argc, argv);
}
