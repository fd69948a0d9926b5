/* names: the name service (docs/names.md, protocol in nonos/names.h).
 *
 * It owns the kernel-created names endpoint (NONOS_SLOT_NAMES: read and
 * grant) and a supervisor capability with read (NONOS_SLOT_SUPERVISOR),
 * through which it looks up who is asking: the badge of every message is
 * the sender's process id, process_info gives its capsule's index and
 * capsule_info that capsule's verified manifest lists. The decisions are in
 * registry.c. Slots: REPLY_SLOT for the one-shot reply capability,
 * RECEIVE_SLOT for a capability that arrives with a message, and
 * ENTRY_SLOT_BASE + i for entry i's endpoint. A transfer copies (the
 * receiver gets a capability derived from the sender's), so an answer
 * carries a copy of the entry's endpoint and the entry stays; revoking an
 * entry's slot would take back every copy handed out. For an entry
 * registered with REGISTER_BADGED (entry_badged), a LOOKUP's copy is minted
 * first into BADGED_SLOT with the asker's process id as its badge, so the
 * service learns who calls it (nonos.net reads the caller's network policy
 * that way); other entries' copies are unbadged, which their clients may
 * badge themselves. REPLY_SLOT, RECEIVE_SLOT and BADGED_SLOT are empty
 * again after each message. */
#include <stdint.h>

#include "console.h"
#include "nonos/abi.h"
#include "nonos/capsule.h"
#include "nonos/error.h"
#include "nonos/names.h"
#include "nonos/syscall.h"
#include "registry.h"
#include "text.h"

#define REPLY_SLOT (NONOS_SLOT_FIRST_FREE + 0)
#define RECEIVE_SLOT (NONOS_SLOT_FIRST_FREE + 1)
#define BADGED_SLOT (NONOS_SLOT_FIRST_FREE + 2)
#define ENTRY_SLOT_BASE (NONOS_SLOT_FIRST_FREE + 8)

static struct names_registry registry;
static bool entry_badged[NAMES_ENTRIES_MAX]; /* registered with REGISTER_BADGED */

/* The capsule description of process `process`; false if it is gone. */
static bool sender_capsule(uint64_t process, struct nonos_capsule_info *capsule)
{
    struct nonos_process_info info = { 0 }; /* the analyzer cannot see the kernel fill it */
    if (nonos_process_info(NONOS_SLOT_SUPERVISOR, process, &info) < 0 ||
        info.state != NONOS_PROCESS_RUNNING)
        return false;
    return nonos_capsule_info(NONOS_SLOT_SUPERVISOR, info.capsule_index, capsule) >= 0;
}

static bool process_running(uint64_t process)
{
    struct nonos_process_info info = { 0 }; /* the analyzer cannot see the kernel fill it */
    return nonos_process_info(NONOS_SLOT_SUPERVISOR, process, &info) >= 0 &&
           info.state == NONOS_PROCESS_RUNNING;
}

static uint64_t handle_register(const struct nonos_message *message,
                                const struct nonos_capsule_info *capsule)
{
    const char *name = (const char *)message->data;
    struct nonos_cap_info cap = { 0 };
    if (message->capability == NONOS_SLOT_NONE)
        return NONOS_ERROR_INVALID_ARGUMENT;
    if (nonos_cap_identify(message->capability, &cap) < 0 || cap.type != NONOS_OBJECT_ENDPOINT)
        return NONOS_ERROR_WRONG_TYPE;
    struct names_entry *existing = names_find(&registry, name, message->length);
    struct names_entry *entry = existing != NULL ? existing : names_free_entry(&registry);
    uint64_t verdict = names_decide_register(capsule, message->badge, name, message->length, existing,
                                             existing != NULL && process_running(existing->process),
                                             entry == NULL);
    if (verdict != 0)
        return verdict;
    uint32_t slot = ENTRY_SLOT_BASE + (uint32_t)(entry - registry.entries);
    if (existing != NULL) {
        nonos_cap_revoke(slot); /* the copies of the old endpoint handed out */
        nonos_cap_delete(slot);
    }
    long result = nonos_cap_move(message->capability, slot);
    if (result < 0)
        return (uint64_t)-result;
    names_store(entry, name, message->length, message->badge, slot);
    entry_badged[entry - registry.entries] = message->label == NONOS_NAMES_REGISTER_BADGED;
    console_printf("names: %.*s registered by process %llu (%.*s)\n", (int)message->length, name,
                   (unsigned long long)message->badge,
                   (int)text_length(capsule->name, sizeof capsule->name), capsule->name);
    return 0;
}

/* On success *transfer is the slot whose copy the answer carries. */
static uint64_t handle_lookup(const struct nonos_message *message,
                              const struct nonos_capsule_info *capsule, uint32_t *transfer)
{
    const char *name = (const char *)message->data;
    const struct names_entry *entry = names_find(&registry, name, message->length);
    uint64_t verdict = names_decide_lookup(capsule, name, message->length, entry);
    if (verdict != 0)
        return verdict;
    *transfer = entry->slot;
    struct nonos_cap_info held = { 0 };
    if (entry_badged[entry - registry.entries] && nonos_cap_identify(entry->slot, &held) >= 0 && held.badge == 0 &&
        nonos_cap_mint(entry->slot, BADGED_SLOT, held.rights, message->badge) >= 0)
        *transfer = BADGED_SLOT;
    return 0;
}

static uint64_t handle(const struct nonos_message *message, uint32_t *transfer)
{
    struct nonos_capsule_info capsule = { 0 };
    if (message->length == 0 || message->length > NONOS_NAME_MAX)
        return NONOS_ERROR_INVALID_ARGUMENT;
    if (!sender_capsule(message->badge, &capsule))
        return NONOS_ERROR_DENIED;
    if (message->label == NONOS_NAMES_REGISTER || message->label == NONOS_NAMES_REGISTER_BADGED)
        return handle_register(message, &capsule);
    if (message->label == NONOS_NAMES_LOOKUP)
        return handle_lookup(message, &capsule, transfer);
    return NONOS_ERROR_INVALID_ARGUMENT;
}

static void report_refusal(const struct nonos_message *message, uint64_t verdict)
{
    if (verdict != NONOS_ERROR_DENIED && verdict != NONOS_ERROR_EXISTS)
        return;
    console_printf("names: %s %.*s refused for process %llu: %s\n",
                   message->label != NONOS_NAMES_LOOKUP ? "register" : "lookup",
                   (int)(message->length <= NONOS_NAME_MAX ? message->length : 0),
                   (const char *)message->data, (unsigned long long)message->badge,
                   nonos_error_message((long)verdict));
}

int main(void)
{
    static struct nonos_message message;
    names_registry_init(&registry);
    for (;;) {
        long result = nonos_ipc_receive(NONOS_SLOT_NAMES, &message, REPLY_SLOT, RECEIVE_SLOT);
        if (result < 0) {
            console_printf("names: receive failed: %s\n", nonos_error_message(result));
            return 1;
        }
        uint32_t transfer = NONOS_SLOT_NONE;
        uint32_t arrived = message.capability;
        uint64_t verdict = handle(&message, &transfer);
        bool kept = (message.label == NONOS_NAMES_REGISTER || message.label == NONOS_NAMES_REGISTER_BADGED) &&
                    verdict == 0; /* moved to its entry */
        report_refusal(&message, verdict);
        message.label = verdict;
        message.length = 0;
        message.capability = transfer;
        result = nonos_ipc_reply(REPLY_SLOT, &message);
        /* Only slots known to be occupied are emptied: the kernel audits
         * every call on an empty slot. A sender that sent instead of
         * calling left no reply capability (the reply fails, once). */
        if (arrived != NONOS_SLOT_NONE && !kept)
            nonos_cap_delete(RECEIVE_SLOT);
        if (transfer == BADGED_SLOT)
            nonos_cap_delete(BADGED_SLOT);
        if (result < 0 && result != -NONOS_ERROR_INVALID_CAPABILITY)
            nonos_cap_delete(REPLY_SLOT);
    }
}
