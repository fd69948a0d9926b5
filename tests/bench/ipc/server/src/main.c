/* bench-ipc-server: the far end of the IPC round trip that `make bench-ipc`
 * measures (tests/bench/ipc/client). It creates an endpoint, registers it
 * with the name service as "bench.ipc", and answers every call at once with
 * an empty message through ipc_reply_receive, the servers' fast path, until
 * a call labelled QUIT, which it answers before it exits.
 * bench-ipc.sh stages bench_protocol.h next to this file before building. */
#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/names.h>
#include <nonos/syscall.h>

#include "bench_protocol.h"

static void say(const char *text)
{
    uint64_t length = 0;
    while (text[length] != '\0')
        length++;
    nonos_console_write(NONOS_SLOT_CONSOLE, text, length);
}

static int server_register(void)
{
    if (nonos_endpoint_create(BENCH_SLOT_ENDPOINT) != 0)
        return -1;
    return nonos_names_register(BENCH_SERVICE, BENCH_SERVICE_LENGTH, BENCH_SLOT_ENDPOINT) == 0 ? 0 : -1;
}

int main(void)
{
    static struct nonos_message message;
    if (server_register() != 0) {
        say("bench-ipc nonos: FAILED server: cannot create and register the endpoint\n");
        return 1;
    }
    long status = nonos_ipc_receive(BENCH_SLOT_ENDPOINT, &message, BENCH_SLOT_REPLY,
                                    NONOS_SLOT_NONE);
    while (status == 0 && message.label != BENCH_LABEL_QUIT) {
        message.length = 0;
        message.capability = NONOS_SLOT_NONE;
        status = nonos_ipc_reply_receive(BENCH_SLOT_REPLY, &message, BENCH_SLOT_ENDPOINT,
                                         NONOS_SLOT_NONE);
    }
    if (status != 0) {
        say("bench-ipc nonos: FAILED server: ipc_receive/ipc_reply_receive returned an error\n");
        return 1;
    }
    message.length = 0;
    message.capability = NONOS_SLOT_NONE;
    nonos_ipc_reply(BENCH_SLOT_REPLY, &message);
    return 0;
}
