/* Kernel objects: everything a capability can name.
 *
 * Every object type embeds a struct object as its first member. An object
 * lives as long as something references it: each capability to it holds a
 * reference, and so may a kernel structure (a thread's process, a waiting
 * caller's reply object). The last object_put destroys it through its
 * type's destroy function. Interrupts off (the single CPU's lock) around
 * every reference change. */
#ifndef NONOS_KERNEL_CAP_OBJECT_H
#define NONOS_KERNEL_CAP_OBJECT_H

#include <stdint.h>

enum object_type {
    OBJECT_NONE = 0,     /* an empty slot */
    OBJECT_MEMORY,       /* frames a process may map (kernel/mm/memory_object.c) */
    OBJECT_SPACE,        /* an address space (kernel/proc/) */
    OBJECT_THREAD,       /* a thread of a process (kernel/proc/) */
    OBJECT_ENDPOINT,     /* synchronous IPC (kernel/ipc/endpoint.c) */
    OBJECT_NOTIFICATION, /* asynchronous signals (kernel/ipc/notification.c) */
    OBJECT_REPLY,        /* a one-shot right to answer one call (kernel/ipc/reply.c) */
    OBJECT_TIMER,        /* sleeping and deadlines (kernel/proc/) */
    OBJECT_CONSOLE,      /* the console: write (output), read (keyboard) */
    OBJECT_PROCESS,      /* a process, for whoever may watch or stop it */
    OBJECT_SUPERVISOR,   /* starting capsules, listing processes, the audit log (init, shell) */
    OBJECT_DEVICE,       /* a PCI function: its BARs, interrupts, DMA domain (kernel/device/) */
    OBJECT_TYPE_COUNT,
};

struct object {
    enum object_type type;
    uint32_t references;
};

/* Each type's destroy function, called by the last object_put. */
typedef void (*object_destroy_fn)(struct object *object);

/* Registers the destroy function of a type (once, at init). */
void object_type_register(enum object_type type, object_destroy_fn destroy);

/* Initializes a new object with one reference (the creator's). */
void object_init(struct object *object, enum object_type type);
void object_get(struct object *object);
void object_put(struct object *object);

/* "memory", "endpoint", ... for ps/caps output and audit records. */
const char *object_type_name(enum object_type type);

#endif
