/* Lookups in capsule descriptions (capsule_list.h). */
#include "capsule_list.h"

#include "text.h"

uint32_t capsule_name_length(const struct nonos_name *name)
{
    return (uint32_t)text_length(name->text, NONOS_NAME_MAX);
}

bool capsule_list_has(const struct nonos_name *list, uint32_t count, const char *name,
                      uint32_t length)
{
    if (count > NONOS_CAPSULE_LIST_MAX)
        count = NONOS_CAPSULE_LIST_MAX;
    for (uint32_t i = 0; i < count; i++) {
        if (text_same(list[i].text, capsule_name_length(&list[i]), name, length))
            return true;
    }
    return false;
}

size_t capsule_find(const struct nonos_capsule_info *capsules, size_t count, const char *name,
                    uint32_t length)
{
    for (size_t i = 0; i < count; i++) {
        uint32_t own = (uint32_t)text_length(capsules[i].name, NONOS_NAME_MAX);
        if (capsules[i].verified == 1 && text_same(capsules[i].name, own, name, length))
            return i;
    }
    return CAPSULE_NONE;
}

size_t capsule_find_provider(const struct nonos_capsule_info *capsules, size_t count,
                             const char *service, uint32_t length)
{
    for (size_t i = 0; i < count; i++) {
        if (capsules[i].verified == 1 &&
            capsule_list_has(capsules[i].provides, capsules[i].provides_count, service, length))
            return i;
    }
    return CAPSULE_NONE;
}
