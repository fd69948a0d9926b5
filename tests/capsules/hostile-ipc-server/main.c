/* hostile-ipc-server: publishes its endpoint under IPC_SERVICE through the
 * name service, then receives the client's messages (lib/ipc_test.h).
 * The first one must be the granted one (the one refused for lack of grant
 * must never have arrived), with the right badge, data and a memory
 * capability it maps and reads, then writes into; the second asks whether
 * the capability is still there after the client's revoke. Each reply's
 * label carries its verdict bits. */
#include "hostile.h"
#include <nonos/names.h>

#include "ipc_test.h"

static struct nonos_message message;

static bool text_equal(const uint8_t *a, const char *b, uint64_t length)
{
    for (uint64_t i = 0; i < length; i++) {
        if (a[i] != (uint8_t)b[i])
            return false;
    }
    return true;
}

/* Copies text with its terminating NUL. */
static void text_put(uint8_t *to, const char *text)
{
    uint64_t i = 0;
    do
        to[i] = (uint8_t)text[i];
    while (text[i++] != '\0');
}

static uint64_t server_check_granted(void)
{
    uint64_t verdict = 0;
    if (message.label != IPC_LABEL_GRANTED)
        verdict |= IPC_SERVER_SAW_REFUSED;
    if (message.badge != IPC_BADGE_GRANT)
        verdict |= IPC_SERVER_BAD_BADGE;
    if (message.length != sizeof IPC_TEXT_REQUEST ||
        !text_equal(message.data, IPC_TEXT_REQUEST, sizeof IPC_TEXT_REQUEST))
        verdict |= IPC_SERVER_BAD_DATA;
    struct nonos_cap_info info;
    if (message.capability != IPC_SLOT_RECEIVED ||
        nonos_cap_identify(IPC_SLOT_RECEIVED, &info) != 0 || info.type != NONOS_OBJECT_MEMORY)
        return verdict | IPC_SERVER_NO_CAPABILITY;
    if (nonos_memory_map(IPC_SLOT_RECEIVED, IPC_SERVER_MAP, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE) != 0)
        return verdict | IPC_SERVER_BAD_MEMORY;
    uint8_t *page = (uint8_t *)(uintptr_t)IPC_SERVER_MAP;
    if (!text_equal(page, IPC_TEXT_MEMORY, sizeof IPC_TEXT_MEMORY))
        verdict |= IPC_SERVER_BAD_MEMORY;
    text_put(page + IPC_MEMORY_SERVER_OFFSET, IPC_TEXT_SERVER);
    return verdict;
}

int main(void)
{
    hostile_require_harness("hostile-ipc-server");
    long error = nonos_endpoint_create(IPC_SLOT_ENDPOINT);
    if (error == 0)
        error = nonos_names_register(IPC_SERVICE, sizeof IPC_SERVICE - 1, IPC_SLOT_ENDPOINT);
    if (error != 0) {
        hostile_print_number("hostile-ipc-server: registering " IPC_SERVICE " failed: ", error);
        return 4;
    }
    error = nonos_ipc_receive(IPC_SLOT_ENDPOINT, &message, IPC_SLOT_REPLY, IPC_SLOT_RECEIVED);
    if (error != 0) {
        hostile_print_number("hostile-ipc-server: receive failed: ", error);
        return 1;
    }
    uint64_t verdict = server_check_granted();
    message.label = verdict;
    message.capability = NONOS_SLOT_NONE;
    message.length = sizeof IPC_TEXT_REPLY;
    text_put(message.data, IPC_TEXT_REPLY);
    error = nonos_ipc_reply_receive(IPC_SLOT_REPLY, &message, IPC_SLOT_ENDPOINT, NONOS_SLOT_NONE);
    if (error != 0 || message.label != IPC_LABEL_CHECK) {
        hostile_print_number("hostile-ipc-server: second receive failed: ", error);
        return 2;
    }
    struct nonos_cap_info info;
    message.label = nonos_cap_identify(IPC_SLOT_RECEIVED, &info) == -NONOS_ERROR_INVALID_CAPABILITY
                        ? 0 : IPC_SERVER_STILL_HOLDS;
    message.length = 0;
    message.capability = NONOS_SLOT_NONE;
    error = nonos_ipc_reply(IPC_SLOT_REPLY, &message);
    return error == 0 ? 0 : 3;
}
