/* What the two bench-ipc capsules agree on (tests/bench/ipc/server and
 * client), and the name-service requests they make to meet.
 *
 * The name service (slot NONOS_SLOT_NAMES, nonos/abi.h) is assumed to work
 * as follows until its capsule publishes its own header, which then
 * replaces the NAMES_* lines: a call labelled NAMES_REGISTER with the
 * service name as data and an endpoint capability (with grant) attached
 * registers the endpoint; a call labelled NAMES_LOOKUP with the name as
 * data is answered with label 0 and the endpoint capability in the call's
 * receive slot, or with label -error. Freestanding. */
#ifndef NONOS_TESTS_BENCH_IPC_PROTOCOL_H
#define NONOS_TESTS_BENCH_IPC_PROTOCOL_H

#include <nonos/abi.h>
#include <stdint.h>

enum { NAMES_REGISTER = 1, NAMES_LOOKUP = 2 };

/* The service the server registers and the client's manifest lists under
 * [policy.capabilities] ipc. */
#define BENCH_SERVICE "bench.ipc"

/* Labels of the bench's calls: a round trip, and the last call. */
enum { BENCH_LABEL_PING = 1, BENCH_LABEL_QUIT = 2 };

/* Slots the capsules use (the first free ones). */
enum { BENCH_SLOT_ENDPOINT = NONOS_SLOT_FIRST_FREE, BENCH_SLOT_REPLY };

/* Makes message a request with name as its data. */
static inline void bench_message_name(struct nonos_message *message, uint64_t label,
                                      const char *name)
{
    uint32_t length = 0;
    while (name[length] != '\0' && length < NONOS_MESSAGE_DATA_MAX) {
        message->data[length] = (uint8_t)name[length];
        length++;
    }
    message->label = label;
    message->badge = 0;
    message->length = length;
    message->capability = NONOS_SLOT_NONE;
}

#endif
