/* Kernel objects: reference counts and per-type destroy functions
 * (kernel/cap/object.h).
 *
 * Invariant: an object with references > 0 is alive; the put that takes the
 * count from 1 to 0 calls its type's destroy function exactly once, and no
 * reference may be taken or dropped afterwards (both panic, as does a count
 * that would wrap). Portable: also built for Linux by the host tests. */
#include "kernel/cap/object.h"

#include <stddef.h>

#include "kernel/panic.h"

static object_destroy_fn destroy_functions[OBJECT_TYPE_COUNT];

void object_type_register(enum object_type type, object_destroy_fn destroy)
{
    if (type > OBJECT_NONE && type < OBJECT_TYPE_COUNT) {
        destroy_functions[type] = destroy;
        return;
    }
    panic("object_type_register: no object type %d", (int)type);
}

void object_init(struct object *object, enum object_type type)
{
    KERNEL_ASSERT(type > OBJECT_NONE && type < OBJECT_TYPE_COUNT);
    object->type = type;
    object->references = 1;
}

void object_get(struct object *object)
{
    KERNEL_ASSERT(object->references > 0);
    if (object->references == UINT32_MAX)
        panic("object_get: reference count of a %s object would wrap",
              object_type_name(object->type));
    object->references++;
}

void object_put(struct object *object)
{
    KERNEL_ASSERT(object->references > 0);
    object->references--;
    if (object->references > 0)
        return;
    object_destroy_fn destroy =
        object->type < OBJECT_TYPE_COUNT ? destroy_functions[object->type] : NULL;
    if (destroy != NULL) {
        destroy(object);
        return;
    }
    /* A type without a destroy function is a kernel singleton that keeps a
     * reference of its own; reaching zero means a reference was lost. */
    panic("object_put: last reference of a %s object, which has no destroy function",
          object_type_name(object->type));
}

const char *object_type_name(enum object_type type)
{
    switch (type) {
    case OBJECT_NONE: return "none";
    case OBJECT_MEMORY: return "memory";
    case OBJECT_SPACE: return "space";
    case OBJECT_THREAD: return "thread";
    case OBJECT_ENDPOINT: return "endpoint";
    case OBJECT_NOTIFICATION: return "notification";
    case OBJECT_REPLY: return "reply";
    case OBJECT_TIMER: return "timer";
    case OBJECT_CONSOLE: return "console";
    case OBJECT_PROCESS: return "process";
    case OBJECT_SUPERVISOR: return "supervisor";
    case OBJECT_DEVICE: return "device";
    default: return "unknown";
    }
}
