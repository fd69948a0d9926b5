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

#define SLOT_ENDPOINT 8
#define SLOT_REPLY 9
#define SERVICE "test.echo"

static void say(const char *text, long value)
{
    char line[96];
    uint64_t n = 0;
    while (text[n] != '\0' && n < sizeof line - 24)
        line[n] = text[n], n++;
    uint64_t magnitude = value < 0 ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
    char digits[21];
    int d = 0;
    do
        digits[d++] = (char)('0' + magnitude % 10);
    while ((magnitude /= 10) != 0);
    if (value < 0)
        line[n++] = '-';
    while (d > 0)
        line[n++] = digits[--d];
    line[n++] = '\n';
    nonos_console_write(NONOS_SLOT_CONSOLE, line, n);
}

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
