/* The malformed-input corpus of the netif driver (tests/corpus/netif-request/):
 * bad requests, ring indices and TX entries a client can write, each with
 * the exact refusal of user/lib/netif_wire.c and, for requests, the IPC
 * label the driver answers with; a few good ones as controls. Inputs are
 * in the format of tests/user/netif_replay.h.
 *
 * The cases are generated here and committed with an `expected` file
 * (tests/host/expected_corpus.h):
 *   <case> <NETIF_...> <answer: 0, NONOS_ERROR_..., or ignored for rings>  # what
 * usage: netif_corpus --write DIR | --check DIR */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nonos/abi.h"
#include "nonos/error.h"
#include "nonos/netif.h"
#include "tests/host/expected_corpus.h"
#include "tests/user/netif_replay.h"

#define CASE_SIZE (NETIF_REPLAY_REQUEST_HEADER + NONOS_MESSAGE_DATA_MAX + 8)
#define SESSION 0x0123456789abcdefull
#define CARRIED 1
#define ATTACHED 2

static struct expected_corpus corpus;

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static struct expected_case *case_new(const char *name, const char *what, size_t length, enum netif_refusal expected)
{
    if (length > CASE_SIZE) {
        fprintf(stderr, "netif_corpus: too large a case\n");
        exit(2);
    }
    struct expected_case *c = expected_corpus_add(&corpus, name, what, CASE_SIZE, (int)expected);
    c->length = length;
    return c;
}

/* A request: label, flags, `length` bytes of data quoting `quoted` (then 0x63). */
static void emit_request(const char *name, const char *what, uint16_t label, uint8_t flags, size_t length,
                         uint64_t quoted, enum netif_refusal expected)
{
    struct expected_case *c = case_new(name, what, NETIF_REPLAY_REQUEST_HEADER + length, expected);
    c->data[0] = NETIF_REPLAY_REQUEST;
    put_le(c->data + 1, label, 2);
    c->data[3] = flags;
    put_le(c->data + 4, SESSION, 8);
    uint8_t *data = c->data + NETIF_REPLAY_REQUEST_HEADER;
    memset(data, 0x63, length);
    put_le(data, quoted, length < 8 ? length : 8);
}

/* A TX ring: consumer, entries taken, producer; entry[i] = {length, flags} for all 32. */
static void emit_tx(const char *name, const char *what, uint32_t consumer, uint8_t taken, uint32_t producer,
                    uint32_t length, uint32_t flags, enum netif_refusal expected)
{
    struct expected_case *c = case_new(name, what, NETIF_REPLAY_RING_HEADER + NETIF_SLOTS * 8, expected);
    c->data[0] = NETIF_REPLAY_TX;
    put_le(c->data + 1, consumer, 4);
    c->data[5] = taken;
    put_le(c->data + 6, producer, 4);
    for (int i = 0; i < NETIF_SLOTS; i++) {
        put_le(c->data + NETIF_REPLAY_RING_HEADER + 8 * i, length, 4);
        put_le(c->data + NETIF_REPLAY_RING_HEADER + 8 * i + 4, flags, 4);
    }
}

static void emit_rx(const char *name, const char *what, uint32_t seen, uint8_t ahead, uint32_t consumer,
                    enum netif_refusal expected)
{
    struct expected_case *c = case_new(name, what, NETIF_REPLAY_RING_HEADER, expected);
    c->data[0] = NETIF_REPLAY_RX;
    put_le(c->data + 1, seen, 4);
    c->data[5] = ahead;
    put_le(c->data + 6, consumer, 4);
}

static void generate_requests(void)
{
    emit_request("ok-open", "OPEN with a notification, ending a session", NETIF_OPEN, CARRIED | ATTACHED, 0, 0, NETIF_WIRE_OK);
    emit_request("ok-open-first", "OPEN before any session", NETIF_OPEN, CARRIED, 0, 0, NETIF_WIRE_OK);
    emit_request("ok-doorbell", "DOORBELL quoting the session", NETIF_DOORBELL, ATTACHED, 8, SESSION, NETIF_WIRE_OK);
    emit_request("ok-hold", "HOLD quoting the session", NETIF_HOLD, ATTACHED, 8, SESSION, NETIF_WIRE_OK);
    emit_request("label-0", "label 0", 0, ATTACHED, 8, SESSION, NETIF_ERR_LABEL);
    emit_request("label-4", "label 4, past HOLD", 4, ATTACHED, 8, SESSION, NETIF_ERR_LABEL);
    emit_request("label-65535", "label 65535", 0xffff, CARRIED | ATTACHED, 0, 0, NETIF_ERR_LABEL);
    emit_request("open-with-data", "OPEN with 8 bytes of data", NETIF_OPEN, CARRIED, 8, SESSION, NETIF_ERR_LENGTH);
    emit_request("open-256-bytes", "OPEN with a full message", NETIF_OPEN, CARRIED, NONOS_MESSAGE_DATA_MAX, 0,
                 NETIF_ERR_LENGTH);
    emit_request("doorbell-empty", "DOORBELL without a session", NETIF_DOORBELL, ATTACHED, 0, 0, NETIF_ERR_LENGTH);
    emit_request("doorbell-7-bytes", "DOORBELL with 7 bytes", NETIF_DOORBELL, ATTACHED, 7, SESSION, NETIF_ERR_LENGTH);
    emit_request("hold-9-bytes", "HOLD with a byte after the session", NETIF_HOLD, ATTACHED, 9, SESSION,
                 NETIF_ERR_LENGTH);
    emit_request("hold-257-bytes", "HOLD longer than a message", NETIF_HOLD, ATTACHED, NONOS_MESSAGE_DATA_MAX + 1,
                 SESSION, NETIF_ERR_LENGTH);
    emit_request("open-no-capability", "OPEN without a notification", NETIF_OPEN, ATTACHED, 0, 0,
                 NETIF_ERR_NO_CAPABILITY);
    emit_request("doorbell-capability", "DOORBELL carrying a capability", NETIF_DOORBELL, CARRIED | ATTACHED, 8,
                 SESSION, NETIF_ERR_CAPABILITY);
    emit_request("hold-capability", "HOLD carrying a capability", NETIF_HOLD, CARRIED | ATTACHED, 8, SESSION,
                 NETIF_ERR_CAPABILITY);
    emit_request("doorbell-old-session", "DOORBELL quoting another session", NETIF_DOORBELL, ATTACHED, 8,
                 SESSION + 1, NETIF_ERR_SESSION);
    emit_request("hold-no-session", "HOLD while no session exists", NETIF_HOLD, 0, 8, SESSION, NETIF_ERR_SESSION);
    emit_request("doorbell-zero-detached", "DOORBELL quoting 0 with no session", NETIF_DOORBELL, 0, 8, 0,
                 NETIF_ERR_SESSION);
}

static void generate_rings(void)
{
    emit_tx("ok-tx-three", "3 new frames of 64 bytes", 100, 5, 108, 64, 0, NETIF_WIRE_OK);
    emit_tx("ok-tx-full", "32 frames of 1514 bytes, none taken", 7, 0, 39, NETIF_FRAME_MAX, 0, NETIF_WIRE_OK);
    emit_tx("ok-tx-wraps", "producer past 2^32", 0xfffffff0u, 4, 0x00000008u, 60, 0, NETIF_WIRE_OK);
    emit_tx("ok-tx-nothing-new", "producer at posted", 10, 3, 13, 0, 0, NETIF_WIRE_OK);
    emit_tx("tx-producer-33-ahead", "producer 33 past the consumer", 0, 0, 33, 64, 0, NETIF_ERR_TX_AHEAD);
    emit_tx("tx-producer-far-ahead", "producer 2^31 - 1 ahead", 0, 0, 0x7fffffffu, 64, 0, NETIF_ERR_TX_AHEAD);
    emit_tx("tx-producer-behind-posted",
            "producer 5 after 10 were taken: the loop would run round 2^32 positions", 0, 10, 5, 0, 0,
            NETIF_ERR_TX_BEHIND);
    emit_tx("tx-producer-behind-consumer", "producer 1 before the consumer", 50, 0, 49, 64, 0, NETIF_ERR_TX_BEHIND);
    emit_tx("tx-producer-2-31-behind", "producer 2^31 before the consumer", 0x80000000u, 0, 0, 64, 0,
            NETIF_ERR_TX_BEHIND);
    emit_tx("tx-length-0", "a frame of 0 bytes", 0, 0, 1, 0, 0, NETIF_ERR_FRAME_SHORT);
    emit_tx("tx-length-13", "a frame shorter than an Ethernet header", 0, 0, 1, 13, 0, NETIF_ERR_FRAME_SHORT);
    emit_tx("tx-length-1515", "a frame one byte past the maximum", 0, 0, 1, NETIF_FRAME_MAX + 1, 0,
            NETIF_ERR_FRAME_LONG);
    emit_tx("tx-length-2049", "a frame longer than its slot", 0, 0, 2, NETIF_SLOT_BYTES + 1, 0, NETIF_ERR_FRAME_LONG);
    emit_tx("tx-length-max", "length 2^32 - 1", 0, 0, 32, 0xffffffffu, 0, NETIF_ERR_FRAME_LONG);
    emit_tx("tx-flags", "a frame with reserved flags set", 0, 0, 1, 64, 1, NETIF_ERR_ENTRY_FLAGS);
    emit_tx("tx-flags-high", "flags 0x80000000", 0, 0, 1, 64, 0x80000000u, NETIF_ERR_ENTRY_FLAGS);
    emit_rx("ok-rx-all-freed", "consumer at the producer", 10, 5, 15, NETIF_WIRE_OK);
    emit_rx("ok-rx-unchanged", "consumer where it was", 10, 5, 10, NETIF_WIRE_OK);
    emit_rx("ok-rx-wraps", "consumer past 2^32", 0xfffffffeu, 4, 1, NETIF_WIRE_OK);
    emit_rx("rx-consumer-ahead", "consumer 1 past the producer", 10, 5, 16, NETIF_ERR_RX_AHEAD);
    emit_rx("rx-consumer-far-ahead", "consumer 2^31 past the last", 0, 32, 0x80000000u, NETIF_ERR_RX_AHEAD);
    emit_rx("rx-consumer-behind", "consumer 1 before the last good one", 10, 5, 9, NETIF_ERR_RX_BEHIND);
    emit_rx("rx-consumer-back-32", "consumer 32 back (was accepted before)", 64, 32, 32, NETIF_ERR_RX_BEHIND);
}

/* The label a request is answered with; rings are not answered. */
static const char *answer_name(const uint8_t *input, size_t size, enum netif_refusal refusal)
{
    if (size == 0 || input[0] != NETIF_REPLAY_REQUEST)
        return "ignored";
    uint64_t label = netif_wire_error(refusal);
    return label == 0 ? "0" : label == NONOS_ERROR_NOT_FOUND ? "NONOS_ERROR_NOT_FOUND" : "NONOS_ERROR_INVALID_ARGUMENT";
}

static const char *refusal_name(int refusal) { return netif_wire_name((enum netif_refusal)refusal); }

static bool replay(const char *name, const uint8_t *input, size_t size, int *result, char *column,
                   size_t column_size)
{
    (void)name;
    struct netif_replay state;
    enum netif_refusal got = netif_replay(input, size, &state);
    *result = (int)got;
    snprintf(column, column_size, "%s", answer_name(input, size, got));
    return true;
}

int main(int argc, char **argv)
{
    corpus = (struct expected_corpus){
        .name = "netif-request",
        .program = "netif_corpus (tests/user/netif_corpus.c)",
        .header = "# <case> <refusal> <answer label>: written by netif_corpus --write (tests/user/netif_corpus.c)\n"
                  "# input: tests/user/netif_replay.h (byte 0: 0 request, 1 TX ring, 2 RX ring)\n",
        .columns = 3,
        .result_count = NETIF_ERR_COUNT,
        .result_name = refusal_name,
        .replay = replay,
    };
    generate_requests();
    generate_rings();
    for (int i = 0; i < corpus.case_count; i++) {
        struct expected_case *c = &corpus.cases[i];
        snprintf(c->column, sizeof c->column, "%s", answer_name(c->data, c->length, (enum netif_refusal)c->expected));
    }
    return expected_corpus_main(&corpus, argc, argv);
}
