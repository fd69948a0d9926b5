/* TEMPORARY (issue 11, branch proc): weak stand-ins for interfaces other
 * helpers implement, so that kernel/proc/ links and its tests run before
 * their branches are merged. Each is the smallest correct behaviour of its
 * header, and every one is weak: the real implementation, once merged,
 * replaces it at link time. This file is deleted at the merge of `cap`
 * (object.h, capability.h, error.h) and `user` (user_enter).
 *
 * Not provided here: copy, mint, move, revoke (nothing in kernel/proc/
 * calls them before the merge). */
#include "kernel/arch/user.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/heap.h"
#include "kernel/proc/process.h"

#define WEAK __attribute__((weak))

static object_destroy_fn destroyers[OBJECT_TYPE_COUNT];

WEAK void object_type_register(enum object_type type, object_destroy_fn destroy)
{
    destroyers[type] = destroy;
}

WEAK void object_init(struct object *object, enum object_type type)
{
    object->type = type;
    object->references = 1;
}

WEAK void object_get(struct object *object)
{
    object->references++;
}

WEAK void object_put(struct object *object)
{
    if (--object->references == 0 && destroyers[object->type])
        destroyers[object->type](object);
}

WEAK const char *object_type_name(enum object_type type)
{
    static const char *const names[OBJECT_TYPE_COUNT] = {
        "none", "memory", "space", "thread", "endpoint", "notification",
        "reply", "timer", "console", "process", "supervisor",
    };
    return type < OBJECT_TYPE_COUNT ? names[type] : "?";
}

WEAK struct cap_table *cap_table_create(uint32_t size)
{
    struct cap_table *table = kzalloc(sizeof *table);
    if (!table)
        return NULL;
    table->slots = kzalloc((size_t)size * sizeof(struct capability));
    if (!table->slots) {
        kfree(table);
        return NULL;
    }
    table->size = size;
    return table;
}

WEAK void cap_table_destroy(struct cap_table *table)
{
    for (uint32_t i = 0; i < table->size; i++) {
        if (table->slots[i].object)
            object_put(table->slots[i].object);
    }
    kfree(table->slots);
    kfree(table);
}

WEAK int cap_lookup(struct cap_table *table, uint32_t slot, enum object_type type,
                    uint32_t rights, struct capability **out)
{
    if (slot >= table->size || !table->slots[slot].object)
        return -ERROR_INVALID_CAPABILITY;
    struct capability *cap = &table->slots[slot];
    if (type != OBJECT_NONE && cap->object->type != type)
        return -ERROR_WRONG_TYPE;
    if ((cap->rights & rights) != rights)
        return -ERROR_NO_RIGHT;
    *out = cap;
    return 0;
}

WEAK int cap_insert_check(struct cap_table *table, uint32_t slot)
{
    if (slot >= table->size)
        return -ERROR_INVALID_ARGUMENT;
    return table->slots[slot].object ? -ERROR_SLOT_OCCUPIED : 0;
}

WEAK void cap_insert_apply(struct cap_table *table, uint32_t slot, struct object *object,
                           uint32_t rights, uint64_t badge)
{
    object_get(object);
    table->slots[slot] = (struct capability){ .object = object, .rights = rights, .badge = badge };
    table->used++;
}

WEAK uint32_t cap_free_slot(const struct cap_table *table)
{
    for (uint32_t i = 0; i < table->size; i++) {
        if (!table->slots[i].object)
            return i;
    }
    return CAP_SLOT_NONE;
}

WEAK const char *kernel_error_message(long error)
{
    static const char *const messages[] = {
        "success", "no system call has this number", "an argument is out of its range",
        "the slot is out of the table or empty", "the capability names another kind of object",
        "the capability lacks a right the call needs", "the destination slot is not empty",
        "a user address is not mapped with the access the call needs",
        "the process's memory limit or the kernel's memory is exhausted",
        "the process already has as many threads as its limit allows",
        "the capability table is full", "the call would have to wait and was asked not to",
        "there is no caller to reply to", "the object was destroyed while the call waited",
        "nothing has that name or number", "the capsule's policy does not allow this",
        "the message or buffer exceeds the maximum size",
        "something with that name already exists",
        "the capability has no derived copies to revoke", "the object is in use",
    };
    unsigned long value = error < 0 ? (unsigned long)-error : (unsigned long)error;
    return value < sizeof messages / sizeof messages[0] ? messages[value] : "unknown error";
}

/* Without the `user` branch there is no ring 3: a started process's first
 * thread says so and is killed, so nothing pretends to have run. */
WEAK _Noreturn void user_enter(const struct user_start *start)
{
    struct process *process = process_current();
    kprintf("proc: %s: no user mode in this build (entry %#lx)\n", process_name(process),
            start->pc);
    process_kill(process, PROCESS_END_KILLED, "no user mode in this build");
    process_thread_exit();
}
