/* Capability tables and the derivation tree (kernel/cap/capability.h).
 *
 * The tree: every non-empty slot is either a root (an original, put there by
 * cap_insert_apply; no parent, no siblings) or a child of the slot it was
 * copied or minted from, in a doubly linked list of siblings headed by the
 * parent's first_child. Links may cross tables; each slot knows its table,
 * so revoke and delete keep every table's `used` exact. Moving a slot moves
 * its links; deleting one hands its children to its parent, so revoke of an
 * ancestor still reaches them.
 *
 * Mappings made through a slot hang off it (struct cap_mapping); detach,
 * which every way of emptying a slot goes through, removes them while the
 * slot still holds its object, so the object (and its frames) outlives
 * every mapping. Move repoints them at the new slot.
 *
 * Checks never mutate; applies never fail (they assert what their check
 * established). An apply drops object references last, after the tree is
 * consistent again, because the last put runs the object's destroy
 * function, which may itself delete capabilities (a process's table).
 * Portable: also built for Linux by tests/kernel/capability_test.c. */
#include "kernel/cap/capability.h"

#include <stddef.h>

#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/heap.h"
#include "kernel/panic.h"

/* ---------------------------------------------------------------- tables */

struct cap_table *cap_table_create(uint32_t size)
{
    size_t slots_bytes = (size_t)size * sizeof(struct capability);
    if (slots_bytes / sizeof(struct capability) != size)
        return NULL;
    struct cap_table *table = kzalloc(sizeof *table);
    if (table == NULL)
        return NULL;
    struct capability *slots = size ? kzalloc(slots_bytes) : NULL;
    if (size && slots == NULL) {
        kfree(table);
        return NULL;
    }
    table->size = size;
    table->used = 0;
    table->slots = slots;
    for (uint32_t i = 0; i < size; i++)
        slots[i].table = table;
    return table;
}

void cap_table_destroy(struct cap_table *table)
{
    if (table == NULL)
        return;
    for (uint32_t i = 0; i < table->size; i++) {
        if (table->slots[i].object != NULL)
            cap_delete_apply(table, i);
    }
    KERNEL_ASSERT(table->used == 0);
    kfree(table->slots);
    kfree(table);
}

static struct capability *slot_at(struct cap_table *table, uint32_t slot)
{
    return slot < table->size ? &table->slots[slot] : NULL;
}

uint32_t cap_free_slot(const struct cap_table *table)
{
    for (uint32_t i = 0; i < table->size; i++) {
        if (table->slots[i].object == NULL)
            return i;
    }
    return CAP_SLOT_NONE;
}

/* ---------------------------------------------------------------- links */

static void link_child(struct capability *parent, struct capability *child)
{
    child->parent = parent;
    child->previous_sibling = NULL;
    child->next_sibling = parent->first_child;
    if (parent->first_child != NULL)
        parent->first_child->previous_sibling = child;
    parent->first_child = child;
}

static void unlink_from_siblings(struct capability *capability)
{
    if (capability->previous_sibling != NULL)
        capability->previous_sibling->next_sibling = capability->next_sibling;
    else if (capability->parent != NULL)
        capability->parent->first_child = capability->next_sibling;
    if (capability->next_sibling != NULL)
        capability->next_sibling->previous_sibling = capability->previous_sibling;
    capability->parent = NULL;
    capability->next_sibling = NULL;
    capability->previous_sibling = NULL;
}

/* ---------------------------------------------------------------- mappings */

void cap_mapping_link(struct capability *capability, struct cap_mapping *mapping,
                      void (*remove)(struct cap_mapping *mapping))
{
    KERNEL_ASSERT(capability->object != NULL && mapping->capability == NULL);
    mapping->capability = capability;
    mapping->remove = remove;
    mapping->previous = NULL;
    mapping->next = capability->mappings;
    if (capability->mappings != NULL)
        capability->mappings->previous = mapping;
    capability->mappings = mapping;
}

void cap_mapping_unlink(struct cap_mapping *mapping)
{
    struct capability *capability = mapping->capability;
    if (capability == NULL)
        return;
    if (mapping->previous != NULL)
        mapping->previous->next = mapping->next;
    else
        capability->mappings = mapping->next;
    if (mapping->next != NULL)
        mapping->next->previous = mapping->previous;
    mapping->capability = NULL;
    mapping->next = NULL;
    mapping->previous = NULL;
}

/* Undoes every mapping made through capability. Each is unlinked before
 * its remove runs, so the loop ends whatever remove does with its record. */
static void mappings_remove(struct capability *capability)
{
    while (capability->mappings != NULL) {
        struct cap_mapping *mapping = capability->mappings;
        cap_mapping_unlink(mapping);
        mapping->remove(mapping);
    }
}

/* Empties a slot whose links are already cleared; keeps its table. */
static void clear_slot(struct capability *capability)
{
    struct cap_table *table = capability->table;
    *capability = (struct capability){.table = table};
    table->used--;
}

static void fill_slot(struct capability *slot, struct object *object, uint32_t rights,
                      uint64_t badge)
{
    KERNEL_ASSERT(slot->object == NULL);
    object_get(object);
    slot->object = object;
    slot->rights = rights;
    slot->badge = badge;
    slot->table->used++;
}

/* ---------------------------------------------------------------- insert */

int cap_insert_check(struct cap_table *table, uint32_t slot)
{
    struct capability *destination = slot_at(table, slot);
    if (destination == NULL)
        return ERROR_INVALID_ARGUMENT;
    if (destination->object != NULL)
        return ERROR_SLOT_OCCUPIED;
    return 0;
}

void cap_insert_apply(struct cap_table *table, uint32_t slot, struct object *object,
                      uint32_t rights, uint64_t badge)
{
    KERNEL_ASSERT(cap_insert_check(table, slot) == 0);
    fill_slot(&table->slots[slot], object, rights & RIGHT_ALL, badge);
}

/* ---------------------------------------------------------------- copy, mint */

int cap_copy_check(struct cap_table *from, uint32_t source, struct cap_table *to,
                   uint32_t destination)
{
    struct capability *unused;
    int error = cap_lookup(from, source, OBJECT_NONE, 0, &unused);
    if (error)
        return error;
    return cap_insert_check(to, destination);
}

static void derive(struct capability *parent, struct capability *child, uint32_t rights,
                   uint64_t badge)
{
    fill_slot(child, parent->object, rights & parent->rights, badge);
    link_child(parent, child);
}

void cap_copy_apply(struct cap_table *from, uint32_t source, struct cap_table *to,
                    uint32_t destination, uint32_t rights)
{
    KERNEL_ASSERT(cap_copy_check(from, source, to, destination) == 0);
    struct capability *parent = &from->slots[source];
    derive(parent, &to->slots[destination], rights, parent->badge);
}

int cap_mint_check(struct cap_table *from, uint32_t source, struct cap_table *to,
                   uint32_t destination, uint64_t badge)
{
    int error = cap_copy_check(from, source, to, destination);
    if (error)
        return error;
    if (badge == 0 || from->slots[source].badge != 0)
        return ERROR_INVALID_ARGUMENT;
    return 0;
}

void cap_mint_apply(struct cap_table *from, uint32_t source, struct cap_table *to,
                    uint32_t destination, uint32_t rights, uint64_t badge)
{
    KERNEL_ASSERT(cap_mint_check(from, source, to, destination, badge) == 0);
    derive(&from->slots[source], &to->slots[destination], rights, badge);
}

/* ---------------------------------------------------------------- move */

int cap_move_check(struct cap_table *from, uint32_t source, struct cap_table *to,
                   uint32_t destination)
{
    return cap_copy_check(from, source, to, destination);
}

void cap_move_apply(struct cap_table *from, uint32_t source, struct cap_table *to,
                    uint32_t destination)
{
    KERNEL_ASSERT(cap_move_check(from, source, to, destination) == 0);
    struct capability *old = &from->slots[source];
    struct capability *moved = &to->slots[destination];
    *moved = *old;
    moved->table = to;
    /* Everything that pointed at the old slot points at the new one. */
    if (moved->parent != NULL && moved->parent->first_child == old)
        moved->parent->first_child = moved;
    if (moved->previous_sibling != NULL)
        moved->previous_sibling->next_sibling = moved;
    if (moved->next_sibling != NULL)
        moved->next_sibling->previous_sibling = moved;
    for (struct capability *child = moved->first_child; child; child = child->next_sibling)
        child->parent = moved;
    for (struct cap_mapping *mapping = moved->mappings; mapping; mapping = mapping->next)
        mapping->capability = moved;
    *old = (struct capability){.table = from};
    from->used--;
    to->used++;
}

/* ---------------------------------------------------------------- delete */

int cap_delete_check(struct cap_table *table, uint32_t slot)
{
    struct capability *unused;
    return cap_lookup(table, slot, OBJECT_NONE, 0, &unused);
}

/* Unlinks a capability, hands its children to its parent (or makes them
 * roots) and empties its slot; returns the object whose reference the
 * caller still has to drop. */
static struct object *detach(struct capability *capability)
{
    mappings_remove(capability); /* first: the slot still holds the object */
    struct capability *parent = capability->parent;
    struct capability *child = capability->first_child;
    while (child != NULL) {
        struct capability *next = child->next_sibling;
        child->parent = NULL;
        child->previous_sibling = NULL;
        child->next_sibling = NULL;
        if (parent != NULL)
            link_child(parent, child);
        child = next;
    }
    capability->first_child = NULL;
    unlink_from_siblings(capability);
    struct object *object = capability->object;
    clear_slot(capability);
    return object;
}

void cap_delete_apply(struct cap_table *table, uint32_t slot)
{
    KERNEL_ASSERT(cap_delete_check(table, slot) == 0);
    object_put(detach(&table->slots[slot]));
}

/* ---------------------------------------------------------------- revoke */

int cap_revoke_check(struct cap_table *table, uint32_t slot)
{
    return cap_delete_check(table, slot);
}

uint32_t cap_revoke_apply(struct cap_table *table, uint32_t slot)
{
    KERNEL_ASSERT(cap_revoke_check(table, slot) == 0);
    struct capability *root = &table->slots[slot];
    uint32_t deleted = 0;
    /* Delete leaves, one at a time, from the first child down. Starting
     * over from root after each deletion keeps this correct even when a
     * destroy function run by object_put deletes other slots of the
     * subtree: what is left is always the subtree still to be emptied. */
    while (root->first_child != NULL) {
        struct capability *leaf = root->first_child;
        while (leaf->first_child != NULL)
            leaf = leaf->first_child;
        object_put(detach(leaf));
        deleted++;
    }
    return deleted;
}

/* ---------------------------------------------------------------- check */

#define CHAIN_LIMIT (1u << 24) /* longer parent chains or sibling lists are cycles */

static const char *check_empty(const struct capability *slot)
{
    if (slot->rights != 0 || slot->badge != 0)
        return "empty slot with rights or a badge";
    if (slot->parent || slot->first_child || slot->next_sibling || slot->previous_sibling)
        return "empty slot with links";
    if (slot->mappings)
        return "empty slot with mappings";
    return NULL;
}

static const char *check_mappings(const struct capability *slot)
{
    uint32_t steps = 0;
    const struct cap_mapping *previous = NULL;
    for (const struct cap_mapping *m = slot->mappings; m != NULL; m = m->next) {
        if (m->capability != slot)
            return "a mapping on its list names another slot";
        if (m->previous != previous)
            return "a mapping does not link back";
        if (m->remove == NULL)
            return "a mapping without a remove function";
        if (++steps > CHAIN_LIMIT)
            return "cycle in the mapping list";
        previous = m;
    }
    return NULL;
}

static const char *check_links(const struct capability *slot)
{
    const struct capability *parent = slot->parent;
    if (parent == NULL && (slot->next_sibling || slot->previous_sibling))
        return "root with siblings";
    if (slot->next_sibling && slot->next_sibling->previous_sibling != slot)
        return "next sibling does not link back";
    if (slot->previous_sibling && slot->previous_sibling->next_sibling != slot)
        return "previous sibling does not link back";
    if (parent && slot->previous_sibling == NULL && parent->first_child != slot)
        return "first of its siblings but not its parent's first child";
    if (slot->next_sibling && slot->next_sibling->parent != parent)
        return "sibling with another parent";
    if (slot->first_child && (slot->first_child->parent != slot ||
                              slot->first_child->previous_sibling != NULL))
        return "first child does not name it as parent";
    uint32_t steps = 0;
    for (const struct capability *up = parent; up != NULL; up = up->parent) {
        if (up == slot || ++steps > CHAIN_LIMIT)
            return "cycle in the parent chain";
    }
    return NULL;
}

static const char *check_slot(const struct cap_table *table, const struct capability *slot)
{
    if (slot->table != table)
        return "slot names another table";
    if (slot->object == NULL)
        return check_empty(slot);
    if (slot->object->references == 0)
        return "capability to an object without references";
    if (slot->object->type <= OBJECT_NONE || slot->object->type >= OBJECT_TYPE_COUNT)
        return "object of no known type";
    if (slot->rights & ~RIGHT_ALL)
        return "unknown rights";
    const struct capability *parent = slot->parent;
    if (parent != NULL) {
        if (parent->object != slot->object)
            return "derived from a capability to another object";
        if (slot->rights & ~parent->rights)
            return "more rights than its parent";
        if (parent->badge != 0 && slot->badge != parent->badge)
            return "badge differs from its badged parent";
    }
    const char *violation = check_mappings(slot);
    return violation ? violation : check_links(slot);
}

bool cap_table_check(const struct cap_table *table)
{
    uint32_t used = 0;
    for (uint32_t i = 0; i < table->size; i++) {
        const struct capability *slot = &table->slots[i];
        const char *violation = check_slot(table, slot);
        if (violation != NULL) {
            kprintf("cap_table_check: slot %u: %s\n", i, violation);
            return false;
        }
        used += slot->object != NULL;
    }
    if (used != table->used) {
        kprintf("cap_table_check: %u slots used, the table counts %u\n", used, table->used);
        return false;
    }
    return true;
}
