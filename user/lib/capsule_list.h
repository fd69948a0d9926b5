/* Lookups in the capsule descriptions the kernel gives out
 * (struct nonos_capsule_info, from capsule_info): whether one of its name
 * lists (dependencies, provides, ipc) holds a name, and which verified
 * capsule of a set carries a name or provides a service. Counts from the
 * kernel are bounded again here, so a bad count cannot make a read run past
 * a list. Pure: tested on the host. */
#ifndef NONOS_USER_CAPSULE_LIST_H
#define NONOS_USER_CAPSULE_LIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nonos/abi.h"

#define CAPSULE_NONE SIZE_MAX

/* The length of a NUL-terminated name field (at most NONOS_NAME_MAX). */
uint32_t capsule_name_length(const struct nonos_name *name);

/* True when list[0..count) holds the length bytes at name. */
bool capsule_list_has(const struct nonos_name *list, uint32_t count, const char *name,
                      uint32_t length);

/* The index of the first verified capsule called name, or CAPSULE_NONE. */
size_t capsule_find(const struct nonos_capsule_info *capsules, size_t count, const char *name,
                    uint32_t length);

/* The index of the first verified capsule that provides service, or CAPSULE_NONE. */
size_t capsule_find_provider(const struct nonos_capsule_info *capsules, size_t count,
                             const char *service, uint32_t length);

#endif
