/* hostile-ipc-client: the client half of the capability-transfer, IPC and
 * revoke tests (lib/ipc_test.h; exit status: IPC_FAILED_* bits). */
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

static void message_set(uint64_t label, const char *text, uint64_t length, uint32_t capability)
{
    message.label = label;
    message.badge = 0;
    message.length = (uint32_t)length;
    message.capability = capability;
    for (uint64_t i = 0; i < length; i++)
        message.data[i] = (uint8_t)text[i];
}

/* Transfer without grant refused, with grant accepted; data both ways. */
static int client_transfer(uint8_t *page)
{
    int failed = 0;
    message_set(IPC_LABEL_REFUSED, IPC_TEXT_REQUEST, sizeof IPC_TEXT_REQUEST, IPC_SLOT_MEMORY);
    long error = nonos_ipc_call(IPC_SLOT_NO_GRANT, &message, NONOS_SLOT_NONE);
    if (error != -NONOS_ERROR_NO_RIGHT) { /* docs/ipc.md: NO_RIGHT, audited, nothing queued */
        hostile_print_number("hostile-ipc-client: call without grant returned ", error);
        failed |= IPC_FAILED_NO_GRANT_ACCEPTED;
    }
    message_set(IPC_LABEL_GRANTED, IPC_TEXT_REQUEST, sizeof IPC_TEXT_REQUEST, IPC_SLOT_MEMORY);
    error = nonos_ipc_call(IPC_SLOT_GRANT, &message, NONOS_SLOT_NONE);
    if (error != 0) {
        hostile_print_number("hostile-ipc-client: call with grant returned ", error);
        return failed | IPC_FAILED_GRANT_REFUSED;
    }
    if (message.label & IPC_SERVER_SAW_REFUSED)
        failed |= IPC_FAILED_DELIVERED;
    if ((message.label & (IPC_SERVER_BAD_BADGE | IPC_SERVER_BAD_DATA)) ||
        message.length != sizeof IPC_TEXT_REPLY ||
        !text_equal(message.data, IPC_TEXT_REPLY, sizeof IPC_TEXT_REPLY)) {
        hostile_print_number("hostile-ipc-client: reply label (server verdict) ", (long)message.label);
        hostile_print_number("hostile-ipc-client: reply length ", (long)message.length);
        failed |= IPC_FAILED_DATA;
    }
    if (message.label & (IPC_SERVER_NO_CAPABILITY | IPC_SERVER_BAD_MEMORY))
        failed |= IPC_FAILED_CAPABILITY;
    if (!text_equal(page + IPC_MEMORY_SERVER_OFFSET, IPC_TEXT_SERVER, sizeof IPC_TEXT_SERVER))
        failed |= IPC_FAILED_SHARED;
    return failed;
}

/* Two local copies, revoke the original: the copies here and the server's
 * go, the original stays. */
static int client_revoke(void)
{
    int failed = 0;
    struct nonos_cap_info info;
    if (nonos_cap_copy(IPC_SLOT_MEMORY, IPC_SLOT_COPY, NONOS_RIGHT_READ) != 0 ||
        nonos_cap_mint(IPC_SLOT_MEMORY, IPC_SLOT_MINTED, NONOS_RIGHT_READ, 7) != 0)
        failed |= IPC_FAILED_REVOKE_LOCAL;
    long deleted = nonos_cap_revoke(IPC_SLOT_MEMORY);
    if (deleted != 3) {
        hostile_print_number("hostile-ipc-client: revoke deleted ", deleted);
        failed |= IPC_FAILED_REVOKE_COUNT;
    }
    if (nonos_cap_identify(IPC_SLOT_COPY, &info) != -NONOS_ERROR_INVALID_CAPABILITY ||
        nonos_cap_identify(IPC_SLOT_MINTED, &info) != -NONOS_ERROR_INVALID_CAPABILITY ||
        nonos_cap_identify(IPC_SLOT_MEMORY, &info) != 0)
        failed |= IPC_FAILED_REVOKE_LOCAL;
    message_set(IPC_LABEL_CHECK, "", 0, NONOS_SLOT_NONE);
    if (nonos_ipc_call(IPC_SLOT_GRANT, &message, NONOS_SLOT_NONE) != 0 || message.label != 0)
        failed |= IPC_FAILED_REVOKE_REMOTE;
    return failed;
}

/* The server's endpoint through the name service (the server may not
 * have registered yet: NOT_FOUND is retried for 2 s), then the two minted
 * copies the tests use. */
static int client_connect(void)
{
    long error = -NONOS_ERROR_NOT_FOUND;
    for (int tries = 0; tries < 400 && error == -NONOS_ERROR_NOT_FOUND; tries++) {
        error = nonos_names_lookup(IPC_SERVICE, sizeof IPC_SERVICE - 1, IPC_SLOT_LOOKED_UP);
        if (error == -NONOS_ERROR_NOT_FOUND)
            nonos_timer_sleep(NONOS_SLOT_TIMER, 5000000);
    }
    if (error == 0)
        error = nonos_cap_mint(IPC_SLOT_LOOKED_UP, IPC_SLOT_NO_GRANT, NONOS_RIGHT_WRITE,
                               IPC_BADGE_NO_GRANT);
    if (error == 0)
        error = nonos_cap_mint(IPC_SLOT_LOOKED_UP, IPC_SLOT_GRANT,
                               NONOS_RIGHT_WRITE | NONOS_RIGHT_GRANT, IPC_BADGE_GRANT);
    if (error != 0) {
        hostile_print_number("hostile-ipc-client: lookup of " IPC_SERVICE " and mint: ", error);
        return IPC_FAILED_LOOKUP;
    }
    return 0;
}

int main(void)
{
    hostile_require_harness("hostile-ipc-client");
    if (client_connect() != 0)
        return IPC_FAILED_LOOKUP;
    uint8_t *page = (uint8_t *)(uintptr_t)IPC_CLIENT_MAP;
    if (nonos_memory_allocate(1, IPC_SLOT_MEMORY) != 0 ||
        nonos_memory_map(IPC_SLOT_MEMORY, IPC_CLIENT_MAP, NONOS_RIGHT_READ | NONOS_RIGHT_WRITE) != 0)
        return IPC_FAILED_SETUP;
    for (uint64_t i = 0; i < sizeof IPC_TEXT_MEMORY; i++)
        page[i] = (uint8_t)IPC_TEXT_MEMORY[i];
    int failed = client_transfer(page);
    if (failed & IPC_FAILED_GRANT_REFUSED)
        return failed;
    return failed | client_revoke();
}
