/* bench-ipc-server: the far end of the IPC round trips that `make
 * bench-ipc` measures (tests/bench/ipc/client). It creates an endpoint,
 * registers it with the name service as "bench.ipc", and answers every
 * call at once with an empty message through ipc_reply_receive, until a
 * call labelled REGISTERS; from then on it answers with register messages
 * through ipc_reply_receive_registers (the IPC fast path), until a call
 * labelled QUIT, which it answers before it exits.
 * bench-ipc.sh stages bench_protocol.h next to this file before building. */
#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/error.h>
#include <nonos/ipc_registers.h>
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

/* Prints "bench-ipc nonos: FAILED server: STEP: <the error's message>". */
static void server_failed(const char *step, long error)
{
    say("bench-ipc nonos: FAILED server: ");
    say(step);
    say(": ");
    say(nonos_error_message(error));
    say("\n");
}

int main(void)
{
    static struct nonos_message message;
    long status = nonos_endpoint_create(BENCH_SLOT_ENDPOINT);
    if (status != 0) {
        server_failed("endpoint_create", status);
        return 1;
    }
    status = nonos_names_register(BENCH_SERVICE, BENCH_SERVICE_LENGTH, BENCH_SLOT_ENDPOINT);
    if (status != 0) {
        server_failed("registering " BENCH_SERVICE " with the name service", status);
        return 1;
    }
    status = nonos_ipc_receive(BENCH_SLOT_ENDPOINT, &message, BENCH_SLOT_REPLY,
                               NONOS_SLOT_NONE);
    while (status == 0 && message.label == BENCH_LABEL_PING) {
        message.length = 0;
        message.capability = NONOS_SLOT_NONE;
        status = nonos_ipc_reply_receive(BENCH_SLOT_REPLY, &message, BENCH_SLOT_ENDPOINT,
                                         NONOS_SLOT_NONE);
    }
    if (status != 0) {
        server_failed("ipc_receive/ipc_reply_receive", status);
        return 1;
    }
    /* The register loop answers the REGISTERS call first. */
    static struct nonos_register_message short_message;
    short_message.label = message.label;
    while (status >= 0 && short_message.label != BENCH_LABEL_QUIT)
        status = nonos_ipc_reply_receive_short(BENCH_SLOT_REPLY, BENCH_SLOT_ENDPOINT,
                                               &short_message);
    if (status < 0) {
        server_failed("ipc_reply_receive_registers", status);
        return 1;
    }
    message.length = 0;
    message.capability = NONOS_SLOT_NONE;
    nonos_ipc_reply(BENCH_SLOT_REPLY, &message);
    return 0;
}
