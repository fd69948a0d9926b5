/* names-echo-client: the client half of the name-service test. Looks up
 * "test.echo" (waiting for the server to register it: NOT_FOUND until
 * then), calls the endpoint it received and checks the answer (label plus
 * one, the data echoed); a lookup of "nonos.other", which its manifest does
 * not list, must be DENIED; process_list without a supervisor capability
 * must be refused by the kernel (INVALID_CAPABILITY, audited). Prints "names-echo-client: ok" and exits 0, or
 * says which step failed and exits with its own status. */
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/error.h>
#include <nonos/names.h>
#include <nonos/syscall.h>

#include "names_echo.h"

#define SLOT_SERVICE 8
#define SLOT_OTHER 9
#define SERVICE "test.echo"
#define OTHER "nonos.other"
#define LABEL 41
#define TRIES 200 /* 10 ms apart: 2 s for the server to register */

static long lookup_when_registered(void)
{
    long result = -NONOS_ERROR_NOT_FOUND;
    for (int i = 0; i < TRIES && result == -NONOS_ERROR_NOT_FOUND; i++) {
        result = nonos_names_lookup(SERVICE, sizeof SERVICE - 1, SLOT_SERVICE);
        if (result == -NONOS_ERROR_NOT_FOUND)
            nonos_timer_sleep(NONOS_SLOT_TIMER, 10000000);
    }
    return result;
}

int main(void)
{
    static struct nonos_message message;
    long result = lookup_when_registered();
    say("names-echo-client: lookup test.echo: ", result);
    if (result != 0)
        return 1;
    message.label = LABEL;
    message.length = 4;
    message.capability = NONOS_SLOT_NONE;
    for (int i = 0; i < 4; i++)
        message.data[i] = (uint8_t)("ping"[i]);
    result = nonos_ipc_call(SLOT_SERVICE, &message, NONOS_SLOT_NONE);
    if (result != 0 || message.label != LABEL + 1 || message.length != 4 || message.data[0] != 'p') {
        say("names-echo-client: call through test.echo: ", result != 0 ? result : (long)message.label);
        return 2;
    }
    result = nonos_names_lookup(OTHER, sizeof OTHER - 1, SLOT_OTHER);
    if (result != -NONOS_ERROR_DENIED) {
        say("names-echo-client: lookup nonos.other (not in ipc), want DENIED: ", result);
        return 3;
    }
    /* A call the kernel refuses and audits: no supervisor capability (the
     * shell's `audit` must show it, suite 50). */
    static struct nonos_process_info processes[1];
    result = nonos_process_list(NONOS_SLOT_SUPERVISOR, processes, sizeof processes);
    if (result != -NONOS_ERROR_INVALID_CAPABILITY) {
        say("names-echo-client: process_list without a supervisor capability, want INVALID_CAPABILITY: ", result);
        return 4;
    }
    say("names-echo-client: ok, test.echo answered; nonos.other denied: ", -NONOS_ERROR_DENIED);
    return 0;
}
