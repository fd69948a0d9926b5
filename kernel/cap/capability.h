/* Capabilities: per-process tables of slots, each holding {object, rights,
 * badge}, and the derivation tree that makes revoke complete.
 *
 * Invariants (checked by cap_table_check, run by the kernel self-check):
 *   - a slot is empty (object NULL, rights 0, badge 0, no links) or holds
 *     one reference to its object;
 *   - a copy's rights are a subset of its parent's; a badge, once set by
 *     mint, is never changed by copy or move;
 *   - every slot derived from slot S (copies, mints, copies of those, in
 *     any table) is in S's subtree; revoke(S) empties exactly that
 *     subtree; delete(S) empties S and hands its children to S's parent, so
 *     a revoke higher up still reaches them;
 *   - every mapping made through a slot (a page mapping by memory_map, a
 *     DMA mapping by device_dma_map) is on that slot's `mappings` list and
 *     names the slot; emptying a slot (delete, revoke of an ancestor, the
 *     table's end) removes its mappings first, before the object's
 *     reference goes, so no mapping outlives the capability it came from
 *     (seL4's rule); move takes the mappings along;
 *   - operations are split into a check (never mutates, returns the error)
 *     and an apply (never fails); system calls call both in that order.
 * Interrupts off (the single CPU's lock) around every table change. */
#ifndef NONOS_KERNEL_CAP_CAPABILITY_H
#define NONOS_KERNEL_CAP_CAPABILITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/cap/object.h"
#include "kernel/error.h"

#define RIGHT_READ (1u << 0)    /* receive, wait, read memory, list */
#define RIGHT_WRITE (1u << 1)   /* send, signal, write memory, console output */
#define RIGHT_GRANT (1u << 2)   /* transfer capabilities through IPC */
#define RIGHT_CONTROL (1u << 3) /* manage: stop a thread or process, start capsules */
#define RIGHT_ALL (RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT | RIGHT_CONTROL)

#define CAP_SLOT_NONE UINT32_MAX /* "no slot" in IPC messages and arguments */

struct capability;

/* A mapping made through a capability, embedded in its owner's record (a
 * process region, a device's DMA record). `remove` undoes the mapping
 * (page-table entries and TLB, IOMMU entries and IOTLB) and frees the
 * record; it is called, with interrupts off and the mapping already
 * unlinked, when the capability is emptied. It never fails and never
 * changes a capability table. */
struct cap_mapping {
    struct capability *capability; /* NULL: not linked */
    struct cap_mapping *next, *previous;
    void (*remove)(struct cap_mapping *mapping);
};

struct capability {
    struct object *object; /* NULL: empty slot */
    uint32_t rights;
    uint64_t badge;        /* 0: unbadged */
    struct capability *parent, *first_child, *next_sibling, *previous_sibling;
    struct cap_table *table; /* the table this slot belongs to (set at creation, never
                                changed): revoke and delete reach slots of other tables */
    struct cap_mapping *mappings; /* made through this slot; removed when it is emptied */
};

struct cap_table {
    uint32_t size; /* slots, fixed at creation (the process's slot limit) */
    uint32_t used;
    struct capability *slots;
};

/* A table of `size` empty slots; NULL when out of memory. */
struct cap_table *cap_table_create(uint32_t size);
/* Deletes every slot (as cap_delete) and frees the table. */
void cap_table_destroy(struct cap_table *table);

/* Finds slot `slot` holding an object of `type` (OBJECT_NONE: any type)
 * with at least `rights`. ERROR_INVALID_CAPABILITY, ERROR_WRONG_TYPE or
 * ERROR_NO_RIGHT (kernel/error.h), else 0 with *out set. Never mutates. */
/* Inline: every capability-checked system call looks up one to three. */
static inline int cap_lookup(struct cap_table *table, uint32_t slot, enum object_type type,
                             uint32_t rights, struct capability **out)
{
    if (slot >= table->size)
        return ERROR_INVALID_CAPABILITY;
    struct capability *capability = &table->slots[slot];
    if (capability->object == NULL)
        return ERROR_INVALID_CAPABILITY;
    if (type != OBJECT_NONE && capability->object->type != type)
        return ERROR_WRONG_TYPE;
    if ((capability->rights & rights) != rights)
        return ERROR_NO_RIGHT;
    *out = capability;
    return 0;
}

/* The checks return 0 or a positive kernel_error (system calls return its
 * negation): a source slot out of the table or empty ERROR_INVALID_CAPABILITY;
 * a destination slot out of the table ERROR_INVALID_ARGUMENT, occupied
 * ERROR_SLOT_OCCUPIED; mint with badge 0 or of a badged source
 * ERROR_INVALID_ARGUMENT. An apply must follow its successful check with
 * nothing changed in between (the caller holds the lock across both).
 *
 * Puts a new original capability (the root of a derivation tree) into an
 * empty slot; takes a reference to object. */
int cap_insert_check(struct cap_table *table, uint32_t slot);
void cap_insert_apply(struct cap_table *table, uint32_t slot, struct object *object,
                      uint32_t rights, uint64_t badge);
/* The first empty slot, or CAP_SLOT_NONE (a caller that needs a free slot
 * then returns ERROR_SLOT_LIMIT: the table's size is the process's limit). */
uint32_t cap_free_slot(const struct cap_table *table);

/* copy: a child of source with rights & source->rights and the same badge.
 * mint: the same with a new badge; only an unbadged source can be minted.
 * move: the slot's contents and tree position move to destination. */
int cap_copy_check(struct cap_table *from, uint32_t source, struct cap_table *to,
                   uint32_t destination);
void cap_copy_apply(struct cap_table *from, uint32_t source, struct cap_table *to,
                    uint32_t destination, uint32_t rights);
int cap_mint_check(struct cap_table *from, uint32_t source, struct cap_table *to,
                   uint32_t destination, uint64_t badge);
void cap_mint_apply(struct cap_table *from, uint32_t source, struct cap_table *to,
                    uint32_t destination, uint32_t rights, uint64_t badge);
int cap_move_check(struct cap_table *from, uint32_t source, struct cap_table *to,
                   uint32_t destination);
void cap_move_apply(struct cap_table *from, uint32_t source, struct cap_table *to,
                    uint32_t destination);
int cap_delete_check(struct cap_table *table, uint32_t slot);
void cap_delete_apply(struct cap_table *table, uint32_t slot);
int cap_revoke_check(struct cap_table *table, uint32_t slot);
/* Returns how many derived capabilities were deleted. */
uint32_t cap_revoke_apply(struct cap_table *table, uint32_t slot);

/* Records that `mapping` was made through capability (which must hold an
 * object); remove is called when the capability is emptied. Never fails. */
void cap_mapping_link(struct capability *capability, struct cap_mapping *mapping,
                      void (*remove)(struct cap_mapping *mapping));
/* Takes the mapping off its capability's list (an unmap by its owner);
 * nothing when it is not linked. */
void cap_mapping_unlink(struct cap_mapping *mapping);

/* Verifies the invariants above; returns false and prints the first
 * violation. */
bool cap_table_check(const struct cap_table *table);

#endif
