/* The name service's table and its policy decisions, kept free of system
 * calls so that they are tested on the host with made-up capsule
 * descriptions (tests/user/user_test.c).
 *
 * Policy: a process may register a name only if its capsule is verified
 * and its manifest lists the name under [policy.capabilities] provides; it
 * may look a name up only if its manifest lists the name under ipc. A
 * name already held by another process that still runs stays with it
 * (EXISTS); a name whose holder ended can be taken over (a restarted
 * service registers again). Decisions return 0 or a positive
 * NONOS_ERROR_* value, the reply label of the protocol (nonos/names.h). */
#ifndef NONOS_USER_NAMES_REGISTRY_H
#define NONOS_USER_NAMES_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nonos/abi.h"

#define NAMES_ENTRIES_MAX 32

struct names_entry {
    bool used;
    char name[NONOS_NAME_MAX];
    uint32_t name_length;
    uint64_t process; /* the id of the process that registered it */
    uint32_t slot;    /* where the service keeps the endpoint */
};

struct names_registry {
    struct names_entry entries[NAMES_ENTRIES_MAX];
};

void names_registry_init(struct names_registry *registry);

/* The entry holding name, or NULL. */
struct names_entry *names_find(struct names_registry *registry, const char *name, uint32_t length);

/* An unused entry, or NULL when the table is full. */
struct names_entry *names_free_entry(struct names_registry *registry);

/* Should process `sender` (capsule sender_capsule) be allowed to register
 * name? existing: the current entry for it or NULL; existing_running: its
 * holder still runs. 0, DENIED, EXISTS, SLOT_LIMIT (full: pass full = true
 * when there is no existing entry and no free one). */
uint64_t names_decide_register(const struct nonos_capsule_info *sender_capsule, uint64_t sender,
                               const char *name, uint32_t length,
                               const struct names_entry *existing, bool existing_running, bool full);

/* Should a process of capsule asker_capsule receive the endpoint of name?
 * 0, DENIED (not in its ipc list, whether or not registered) or NOT_FOUND. */
uint64_t names_decide_lookup(const struct nonos_capsule_info *asker_capsule, const char *name,
                             uint32_t length, const struct names_entry *existing);

/* Records name -> slot for process in entry. */
void names_store(struct names_entry *entry, const char *name, uint32_t length, uint64_t process,
                 uint32_t slot);

#endif
