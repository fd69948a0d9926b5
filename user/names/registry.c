/* The name service's table and policy decisions (registry.h). */
#include "registry.h"

#include "nonos/error.h"
#include "capsule_list.h"
#include "text.h"

void names_registry_init(struct names_registry *registry)
{
    for (size_t i = 0; i < NAMES_ENTRIES_MAX; i++)
        registry->entries[i].used = false;
}

struct names_entry *names_find(struct names_registry *registry, const char *name, uint32_t length)
{
    for (size_t i = 0; i < NAMES_ENTRIES_MAX; i++) {
        struct names_entry *entry = &registry->entries[i];
        if (entry->used && text_same(entry->name, entry->name_length, name, length))
            return entry;
    }
    return NULL;
}

struct names_entry *names_free_entry(struct names_registry *registry)
{
    for (size_t i = 0; i < NAMES_ENTRIES_MAX; i++) {
        if (!registry->entries[i].used)
            return &registry->entries[i];
    }
    return NULL;
}

uint64_t names_decide_register(const struct nonos_capsule_info *sender_capsule, uint64_t sender,
                               const char *name, uint32_t length,
                               const struct names_entry *existing, bool existing_running, bool full)
{
    if (sender_capsule->verified != 1 ||
        !capsule_list_has(sender_capsule->provides, sender_capsule->provides_count, name, length))
        return NONOS_ERROR_DENIED;
    if (existing != NULL && existing->process != sender && existing_running)
        return NONOS_ERROR_EXISTS;
    if (existing == NULL && full)
        return NONOS_ERROR_SLOT_LIMIT;
    return 0;
}

uint64_t names_decide_lookup(const struct nonos_capsule_info *asker_capsule, const char *name,
                             uint32_t length, const struct names_entry *existing)
{
    if (asker_capsule->verified != 1 ||
        !capsule_list_has(asker_capsule->ipc, asker_capsule->ipc_count, name, length))
        return NONOS_ERROR_DENIED;
    return existing == NULL ? NONOS_ERROR_NOT_FOUND : 0;
}

void names_store(struct names_entry *entry, const char *name, uint32_t length, uint64_t process,
                 uint32_t slot)
{
    entry->used = true;
    for (uint32_t i = 0; i < length && i < NONOS_NAME_MAX; i++)
        entry->name[i] = name[i];
    entry->name_length = length < NONOS_NAME_MAX ? length : NONOS_NAME_MAX;
    entry->process = process;
    entry->slot = slot;
}
