/* names-echo-server: the service half of the name-service test. Creates an
 * endpoint, registers it as "test.echo" (a capability transfer: it needs
 * grant on NONOS_SLOT_NAMES, which the kernel gives a capsule whose
 * manifest provides a service), answers one call with the request's label
 * plus one and the same data, and exits 0. Each step that fails prints why
 * and exits with its own status. */
#include <stdint.h>

#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/error.h>
#include <nonos/names.h>
#include <nonos/syscall.h>

#include "names_echo.h"

#define SLOT_ENDPOINT 8
#define SLOT_REPLY 9
#define SERVICE "test.echo"

int main(void)
{
    static struct nonos_message message;
    long result = nonos_endpoint_create(SLOT_ENDPOINT);
    if (result != 0) {
        say("names-echo-server: endpoint_create: ", result);
        return 1;
    }
    result = nonos_names_register(SERVICE, sizeof SERVICE - 1, SLOT_ENDPOINT);
    say("names-echo-server: register test.echo: ", result);
    if (result != 0)
        return 2;
    result = nonos_ipc_receive(SLOT_ENDPOINT, &message, SLOT_REPLY, NONOS_SLOT_NONE);
    if (result != 0) {
        say("names-echo-server: receive: ", result);
        return 3;
    }
    message.label += 1;
    message.capability = NONOS_SLOT_NONE;
    result = nonos_ipc_reply(SLOT_REPLY, &message);
    say("names-echo-server: replied: ", result);
    return result == 0 ? 0 : 4;
}
