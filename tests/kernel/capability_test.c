/* Host tests of kernel/cap/object.c and kernel/cap/capability.c under ASan
 * + UBSan: the heap is the C library's, objects are test structs whose
 * destroy function counts calls. Besides the directed cases, randomized
 * operation sequences (fixed seeds) run against a shadow model of the
 * tables (object, rights, badge and parent of every slot), comparing every
 * slot and running cap_table_check after each operation; a refused check
 * must leave every table byte for byte as it was.
 * Prints PASS/FAIL lines (tests/run.sh protocol); exits 1 on any FAIL. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/lib/print.h"
#include "kernel/mm/heap.h"
#include "kernel/panic.h"

/* ---------------------------------------------------------------- fakes */

/* kmalloc, kzalloc, kfree, kprintf, panic: tests/kernel/fake/kernel_runtime.c */

struct test_object {
    struct object base;
    unsigned destroyed;
};

static unsigned destroy_calls;

static void test_object_destroy(struct object *object)
{
    struct test_object *test = (struct test_object *)object;
    test->destroyed++;
    destroy_calls++;
}

/* ---------------------------------------------------------------- helpers */

static int failures;
static const char *current_test;

#define EXPECT(cond)                                                                   \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            printf("FAIL %s: %s (line %d)\n", current_test, #cond, __LINE__);          \
            failures++;                                                                \
            return false;                                                              \
        }                                                                              \
    } while (0)

static void object_make(struct test_object *object, enum object_type type)
{
    memset(object, 0, sizeof *object);
    object_init(&object->base, type);
}

static struct capability *slot(struct cap_table *table, uint32_t index)
{
    return &table->slots[index];
}

/* A byte image of some tables, to prove a check changed nothing. */
struct snapshot {
    unsigned char *bytes;
    size_t length;
};

static struct snapshot snapshot_take(struct cap_table **tables, size_t count)
{
    size_t length = 0;
    for (size_t i = 0; i < count; i++)
        length += sizeof *tables[i] + tables[i]->size * sizeof(struct capability);
    struct snapshot shot = {malloc(length), length};
    size_t at = 0;
    for (size_t i = 0; i < count; i++) {
        memcpy(shot.bytes + at, tables[i], sizeof *tables[i]);
        at += sizeof *tables[i];
        memcpy(shot.bytes + at, tables[i]->slots, tables[i]->size * sizeof(struct capability));
        at += tables[i]->size * sizeof(struct capability);
    }
    return shot;
}

static bool snapshot_same(struct snapshot before, struct cap_table **tables, size_t count)
{
    struct snapshot after = snapshot_take(tables, count);
    bool same = after.length == before.length &&
                memcmp(after.bytes, before.bytes, before.length) == 0;
    free(after.bytes);
    free(before.bytes);
    return same;
}

static bool tables_valid(struct cap_table **tables, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        if (!cap_table_check(tables[i]))
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- directed tests */

static bool test_lookup(void)
{
    current_test = "cap_lookup refuses with the distinct errors";
    struct test_object endpoint;
    object_make(&endpoint, OBJECT_ENDPOINT);
    struct cap_table *table = cap_table_create(4);
    EXPECT(table != NULL && table->size == 4 && table->used == 0);
    cap_insert_apply(table, 1, &endpoint.base, RIGHT_READ, 0);
    struct capability *found = NULL;
    EXPECT(cap_lookup(table, 4, OBJECT_NONE, 0, &found) == ERROR_INVALID_CAPABILITY);
    EXPECT(cap_lookup(table, CAP_SLOT_NONE, OBJECT_NONE, 0, &found) == ERROR_INVALID_CAPABILITY);
    EXPECT(cap_lookup(table, 0, OBJECT_NONE, 0, &found) == ERROR_INVALID_CAPABILITY);
    EXPECT(cap_lookup(table, 1, OBJECT_MEMORY, 0, &found) == ERROR_WRONG_TYPE);
    EXPECT(cap_lookup(table, 1, OBJECT_ENDPOINT, RIGHT_WRITE, &found) == ERROR_NO_RIGHT);
    EXPECT(found == NULL);
    EXPECT(cap_lookup(table, 1, OBJECT_ENDPOINT, RIGHT_READ, &found) == 0);
    EXPECT(found == slot(table, 1));
    EXPECT(cap_lookup(table, 1, OBJECT_NONE, 0, &found) == 0);
    EXPECT(cap_free_slot(table) == 0);
    EXPECT(endpoint.base.references == 2);
    cap_table_destroy(table);
    EXPECT(endpoint.base.references == 1 && endpoint.destroyed == 0);
    return true;
}

static bool test_copy_narrows(void)
{
    current_test = "copy narrows rights, never widens";
    struct test_object memory;
    object_make(&memory, OBJECT_MEMORY);
    struct cap_table *table = cap_table_create(8);
    cap_insert_apply(table, 0, &memory.base, RIGHT_READ | RIGHT_WRITE, 0);
    EXPECT(cap_copy_check(table, 0, table, 1) == 0);
    cap_copy_apply(table, 0, table, 1, RIGHT_ALL);
    EXPECT(slot(table, 1)->rights == (RIGHT_READ | RIGHT_WRITE));
    cap_copy_apply(table, 1, table, 2, RIGHT_READ);
    EXPECT(slot(table, 2)->rights == RIGHT_READ);
    cap_copy_apply(table, 2, table, 3, RIGHT_WRITE | RIGHT_GRANT);
    EXPECT(slot(table, 3)->rights == 0);
    EXPECT(slot(table, 1)->parent == slot(table, 0) && slot(table, 2)->parent == slot(table, 1));
    EXPECT(slot(table, 3)->parent == slot(table, 2));
    EXPECT(table->used == 4 && memory.base.references == 5);
    EXPECT(cap_table_check(table));
    cap_table_destroy(table);
    EXPECT(memory.base.references == 1);
    return true;
}

static bool test_mint_badge_once(void)
{
    current_test = "mint sets a badge once; copies keep it";
    struct test_object endpoint;
    object_make(&endpoint, OBJECT_ENDPOINT);
    struct cap_table *table = cap_table_create(8);
    cap_insert_apply(table, 0, &endpoint.base, RIGHT_ALL, 0);
    EXPECT(cap_mint_check(table, 0, table, 1, 0) == ERROR_INVALID_ARGUMENT);
    EXPECT(cap_mint_check(table, 0, table, 1, 7) == 0);
    cap_mint_apply(table, 0, table, 1, RIGHT_WRITE, 7);
    EXPECT(slot(table, 1)->badge == 7 && slot(table, 1)->rights == RIGHT_WRITE);
    EXPECT(cap_mint_check(table, 1, table, 2, 9) == ERROR_INVALID_ARGUMENT);
    cap_copy_apply(table, 1, table, 2, RIGHT_ALL);
    EXPECT(slot(table, 2)->badge == 7 && slot(table, 2)->rights == RIGHT_WRITE);
    cap_move_apply(table, 2, table, 5);
    EXPECT(slot(table, 5)->badge == 7);
    EXPECT(cap_table_check(table));
    cap_table_destroy(table);
    return true;
}

static bool test_move_keeps_position(void)
{
    current_test = "move keeps the tree position, across tables";
    struct test_object endpoint;
    object_make(&endpoint, OBJECT_ENDPOINT);
    struct cap_table *a = cap_table_create(8), *b = cap_table_create(8);
    struct cap_table *tables[] = {a, b};
    cap_insert_apply(a, 0, &endpoint.base, RIGHT_ALL, 0);
    for (uint32_t i = 1; i <= 3; i++)
        cap_copy_apply(a, 0, a, i, RIGHT_ALL); /* children, first child 3 */
    cap_copy_apply(a, 2, a, 4, RIGHT_READ);    /* grandchild under the middle one */
    EXPECT(cap_move_check(a, 2, b, 6) == 0);
    cap_move_apply(a, 2, b, 6);                /* middle sibling with a child */
    EXPECT(slot(a, 2)->object == NULL && a->used == 4 && b->used == 1);
    EXPECT(slot(b, 6)->parent == slot(a, 0) && slot(a, 4)->parent == slot(b, 6));
    EXPECT(slot(a, 3)->next_sibling == slot(b, 6) && slot(a, 1)->previous_sibling == slot(b, 6));
    cap_move_apply(a, 0, b, 0);                /* the root itself */
    EXPECT(slot(b, 0)->first_child == slot(a, 3) && slot(a, 1)->parent == slot(b, 0));
    cap_move_apply(a, 3, b, 1);                /* the first child */
    EXPECT(slot(b, 0)->first_child == slot(b, 1));
    EXPECT(tables_valid(tables, 2));
    EXPECT(cap_revoke_apply(b, 0) == 4);
    EXPECT(a->used == 0 && b->used == 1 && endpoint.base.references == 2);
    EXPECT(tables_valid(tables, 2));
    cap_table_destroy(a);
    cap_table_destroy(b);
    return true;
}

static bool test_delete_reparents(void)
{
    current_test = "delete hands children to the parent; revoke still reaches them";
    struct test_object notification;
    object_make(&notification, OBJECT_NOTIFICATION);
    struct cap_table *table = cap_table_create(8);
    cap_insert_apply(table, 0, &notification.base, RIGHT_ALL, 0);
    cap_copy_apply(table, 0, table, 1, RIGHT_ALL);   /* A */
    cap_copy_apply(table, 0, table, 2, RIGHT_ALL);   /* A's sibling */
    cap_copy_apply(table, 1, table, 3, RIGHT_READ);  /* B under A */
    cap_copy_apply(table, 1, table, 4, RIGHT_WRITE); /* C under A */
    cap_copy_apply(table, 3, table, 5, RIGHT_READ);  /* under B */
    EXPECT(cap_delete_check(table, 1) == 0);
    cap_delete_apply(table, 1);
    EXPECT(slot(table, 1)->object == NULL && table->used == 5);
    EXPECT(slot(table, 3)->parent == slot(table, 0) && slot(table, 4)->parent == slot(table, 0));
    EXPECT(slot(table, 5)->parent == slot(table, 3));
    EXPECT(cap_table_check(table));
    /* Deleting a root makes its children roots. */
    cap_delete_apply(table, 0);
    EXPECT(slot(table, 2)->parent == NULL && slot(table, 3)->parent == NULL);
    EXPECT(slot(table, 3)->next_sibling == NULL && slot(table, 3)->previous_sibling == NULL);
    EXPECT(cap_table_check(table));
    EXPECT(cap_revoke_apply(table, 3) == 1 && slot(table, 5)->object == NULL);
    EXPECT(cap_revoke_apply(table, 3) == 0);
    cap_table_destroy(table);
    EXPECT(notification.base.references == 1);
    return true;
}

static bool test_revoke_three_tables(void)
{
    current_test = "revoke removes every derived copy in 3 tables and nothing else";
    struct test_object endpoint, other;
    object_make(&endpoint, OBJECT_ENDPOINT);
    object_make(&other, OBJECT_ENDPOINT);
    struct cap_table *t[3] = {cap_table_create(16), cap_table_create(16), cap_table_create(16)};
    cap_insert_apply(t[0], 0, &endpoint.base, RIGHT_ALL, 0);
    cap_insert_apply(t[0], 9, &other.base, RIGHT_ALL, 0);
    cap_copy_apply(t[0], 0, t[0], 1, RIGHT_ALL);      /* the revoked one */
    cap_copy_apply(t[0], 0, t[2], 8, RIGHT_READ);     /* its sibling: stays */
    uint32_t derived = 0;
    cap_copy_apply(t[0], 1, t[1], 0, RIGHT_ALL), derived++;
    cap_mint_apply(t[1], 0, t[2], 0, RIGHT_WRITE, 5), derived++;
    cap_copy_apply(t[2], 0, t[0], 2, RIGHT_WRITE), derived++;
    cap_copy_apply(t[0], 2, t[1], 1, RIGHT_WRITE), derived++;
    cap_copy_apply(t[1], 0, t[2], 1, RIGHT_READ), derived++;
    cap_copy_apply(t[0], 1, t[2], 2, RIGHT_READ), derived++;
    cap_copy_apply(t[0], 9, t[1], 5, RIGHT_READ);     /* other object: stays */
    cap_move_apply(t[0], 2, t[2], 7);                 /* moved descendant */
    EXPECT(tables_valid(t, 3));
    EXPECT(cap_revoke_check(t[0], 1) == 0);
    EXPECT(cap_revoke_apply(t[0], 1) == derived);
    EXPECT(slot(t[0], 1)->object == &endpoint.base && slot(t[0], 1)->first_child == NULL);
    EXPECT(t[0]->used == 3 && t[1]->used == 1 && t[2]->used == 1);
    EXPECT(slot(t[2], 8)->object == &endpoint.base && slot(t[1], 5)->object == &other.base);
    EXPECT(endpoint.base.references == 4 && other.base.references == 3);
    EXPECT(tables_valid(t, 3));
    for (int i = 0; i < 3; i++)
        cap_table_destroy(t[i]);
    EXPECT(endpoint.base.references == 1 && other.base.references == 1);
    return true;
}

static bool test_destroy_table_with_children_elsewhere(void)
{
    current_test = "destroying a table hands its slots' children in other tables up";
    struct test_object timer;
    object_make(&timer, OBJECT_TIMER);
    struct cap_table *t0 = cap_table_create(4), *t1 = cap_table_create(4);
    struct cap_table *t2 = cap_table_create(4);
    cap_insert_apply(t0, 0, &timer.base, RIGHT_ALL, 0);
    cap_copy_apply(t0, 0, t1, 0, RIGHT_ALL);
    cap_copy_apply(t1, 0, t2, 0, RIGHT_ALL);
    cap_copy_apply(t1, 0, t1, 1, RIGHT_READ);
    cap_copy_apply(t1, 1, t2, 1, RIGHT_READ);
    cap_table_destroy(t1);
    struct cap_table *left[] = {t0, t2};
    EXPECT(tables_valid(left, 2));
    EXPECT(slot(t2, 0)->parent == slot(t0, 0) && slot(t2, 1)->parent == slot(t0, 0));
    EXPECT(timer.base.references == 4);
    EXPECT(cap_revoke_apply(t0, 0) == 2 && t2->used == 0);
    cap_table_destroy(t0);
    cap_table_destroy(t2);
    EXPECT(timer.base.references == 1);
    return true;
}

/* A mapping made through a slot: removal records whether the object was
 * still referenced by its capability when the mapping went. */
struct test_mapping {
    struct cap_mapping link;
    struct test_object *object;
    unsigned removed;
    uint32_t references_at_removal;
};

static void test_mapping_remove(struct cap_mapping *mapping)
{
    struct test_mapping *test = (struct test_mapping *)mapping;
    test->removed++;
    test->references_at_removal = test->object->base.references;
}

static void mapping_make(struct test_mapping *mapping, struct test_object *object,
                         struct capability *capability)
{
    memset(mapping, 0, sizeof *mapping);
    mapping->object = object;
    cap_mapping_link(capability, &mapping->link, test_mapping_remove);
}

static bool test_mappings_follow_revoke_and_delete(void)
{
    current_test = "delete and revoke remove the mappings made through the emptied slots only";
    struct test_object memory;
    object_make(&memory, OBJECT_MEMORY);
    struct cap_table *parent = cap_table_create(8), *child = cap_table_create(8);
    struct cap_table *both[2] = {parent, child};
    struct test_mapping root_map, child_map[2], grandchild_map, deleted_map, unmapped;
    cap_insert_apply(parent, 0, &memory.base, RIGHT_ALL, 0);
    cap_copy_apply(parent, 0, child, 0, RIGHT_READ | RIGHT_WRITE);
    cap_copy_apply(child, 0, child, 1, RIGHT_READ);
    cap_copy_apply(parent, 0, parent, 1, RIGHT_READ);
    mapping_make(&root_map, &memory, slot(parent, 0));
    mapping_make(&child_map[0], &memory, slot(child, 0));
    mapping_make(&child_map[1], &memory, slot(child, 0));
    mapping_make(&grandchild_map, &memory, slot(child, 1));
    mapping_make(&deleted_map, &memory, slot(parent, 1));
    mapping_make(&unmapped, &memory, slot(child, 0));
    cap_mapping_unlink(&unmapped.link); /* its owner unmapped it: never removed */
    cap_mapping_unlink(&unmapped.link); /* twice is harmless */
    EXPECT(tables_valid(both, 2));
    cap_move_apply(child, 0, child, 5); /* the mappings go with the slot */
    EXPECT(child_map[0].link.capability == slot(child, 5) && tables_valid(both, 2));
    cap_delete_apply(parent, 1);
    EXPECT(deleted_map.removed == 1 && deleted_map.references_at_removal == 5);
    EXPECT(root_map.removed == 0 && child_map[0].removed == 0 && grandchild_map.removed == 0);
    EXPECT(cap_revoke_apply(parent, 0) == 2);
    EXPECT(child_map[0].removed == 1 && child_map[1].removed == 1 && grandchild_map.removed == 1);
    EXPECT(child_map[0].references_at_removal >= 2 && grandchild_map.references_at_removal >= 2);
    EXPECT(root_map.removed == 0 && unmapped.removed == 0 && slot(parent, 0)->mappings != NULL);
    EXPECT(tables_valid(both, 2));
    cap_table_destroy(parent); /* the table's end empties the root: its mapping goes */
    EXPECT(root_map.removed == 1 && root_map.references_at_removal == 2);
    cap_table_destroy(child);
    EXPECT(memory.base.references == 1 && unmapped.removed == 0);
    return true;
}

static bool test_references_destroy_once(void)
{
    current_test = "the last reference destroys the object exactly once";
    struct test_object *memory = malloc(sizeof *memory);
    object_make(memory, OBJECT_MEMORY);
    struct cap_table *table = cap_table_create(8);
    cap_insert_apply(table, 0, &memory->base, RIGHT_ALL, 0);
    object_put(&memory->base); /* the creator's reference: the slot keeps it alive */
    EXPECT(memory->destroyed == 0 && memory->base.references == 1);
    cap_copy_apply(table, 0, table, 1, RIGHT_READ);
    cap_copy_apply(table, 1, table, 2, RIGHT_READ);
    EXPECT(memory->base.references == 3);
    unsigned before = destroy_calls;
    EXPECT(cap_revoke_apply(table, 0) == 2 && memory->destroyed == 0);
    cap_delete_apply(table, 0);
    EXPECT(memory->destroyed == 1 && destroy_calls == before + 1);
    EXPECT(table->used == 0 && cap_table_check(table));
    free(memory);
    cap_table_destroy(table);
    EXPECT(destroy_calls == before + 1);
    return true;
}

static bool test_checks_never_mutate(void)
{
    current_test = "every refusing check leaves the tables byte for byte unchanged";
    struct test_object endpoint;
    object_make(&endpoint, OBJECT_ENDPOINT);
    struct cap_table *a = cap_table_create(4), *b = cap_table_create(2);
    struct cap_table *tables[] = {a, b};
    cap_insert_apply(a, 0, &endpoint.base, RIGHT_READ, 0);
    cap_mint_apply(a, 0, a, 1, RIGHT_READ, 3);
    cap_copy_apply(a, 1, b, 0, RIGHT_READ);
    struct capability *found = NULL;
    struct {
        int got, want;
    } cases[16];
    int count = 0;
    struct snapshot before = snapshot_take(tables, 2);
#define CASE(call, error) cases[count].got = (call), cases[count++].want = (error)
    CASE(cap_lookup(a, 2, OBJECT_NONE, 0, &found), ERROR_INVALID_CAPABILITY);
    CASE(cap_lookup(a, 7, OBJECT_NONE, 0, &found), ERROR_INVALID_CAPABILITY);
    CASE(cap_lookup(a, 0, OBJECT_REPLY, 0, &found), ERROR_WRONG_TYPE);
    CASE(cap_lookup(a, 0, OBJECT_ENDPOINT, RIGHT_GRANT, &found), ERROR_NO_RIGHT);
    CASE(cap_insert_check(a, 0), ERROR_SLOT_OCCUPIED);
    CASE(cap_insert_check(a, 4), ERROR_INVALID_ARGUMENT);
    CASE(cap_copy_check(a, 2, a, 3), ERROR_INVALID_CAPABILITY);
    CASE(cap_copy_check(a, 0, b, 0), ERROR_SLOT_OCCUPIED);
    CASE(cap_copy_check(a, 0, b, 2), ERROR_INVALID_ARGUMENT);
    CASE(cap_mint_check(a, 1, a, 3, 4), ERROR_INVALID_ARGUMENT);
    CASE(cap_mint_check(a, 0, a, 3, 0), ERROR_INVALID_ARGUMENT);
    CASE(cap_move_check(a, 0, a, 1), ERROR_SLOT_OCCUPIED);
    CASE(cap_move_check(b, 1, a, 3), ERROR_INVALID_CAPABILITY);
    CASE(cap_delete_check(a, 3), ERROR_INVALID_CAPABILITY);
    CASE(cap_revoke_check(b, 5), ERROR_INVALID_CAPABILITY);
    CASE(cap_revoke_check(a, CAP_SLOT_NONE), ERROR_INVALID_CAPABILITY);
#undef CASE
    EXPECT(snapshot_same(before, tables, 2));
    EXPECT(found == NULL);
    for (int i = 0; i < count; i++) {
        if (cases[i].got != cases[i].want) {
            printf("FAIL %s: case %d returned %d, expected %d\n", current_test, i, cases[i].got,
                   cases[i].want);
            failures++;
            return false;
        }
    }
    /* Successful checks change nothing either. */
    before = snapshot_take(tables, 2);
    EXPECT(cap_copy_check(a, 0, a, 3) == 0 && cap_mint_check(a, 0, b, 1, 9) == 0);
    EXPECT(cap_move_check(a, 1, a, 2) == 0 && cap_delete_check(a, 0) == 0);
    EXPECT(cap_revoke_check(a, 0) == 0 && cap_insert_check(b, 1) == 0);
    EXPECT(snapshot_same(before, tables, 2));
    cap_table_destroy(a);
    cap_table_destroy(b);
    return true;
}

static bool test_slot_limit(void)
{
    current_test = "a full table has no free slot";
    struct test_object console;
    object_make(&console, OBJECT_CONSOLE);
    struct cap_table *table = cap_table_create(3);
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t free_slot = cap_free_slot(table);
        EXPECT(free_slot == i && cap_insert_check(table, free_slot) == 0);
        cap_insert_apply(table, free_slot, &console.base, RIGHT_WRITE, 0);
    }
    EXPECT(cap_free_slot(table) == CAP_SLOT_NONE && table->used == table->size);
    cap_delete_apply(table, 1);
    EXPECT(cap_free_slot(table) == 1);
    cap_table_destroy(table);
    struct cap_table *empty = cap_table_create(0);
    EXPECT(empty != NULL && cap_free_slot(empty) == CAP_SLOT_NONE);
    EXPECT(cap_insert_check(empty, 0) == ERROR_INVALID_ARGUMENT);
    cap_table_destroy(empty);
    EXPECT(console.base.references == 1);
    return true;
}

static bool test_check_catches_corruption(void)
{
    current_test = "cap_table_check reports broken invariants";
    struct test_object endpoint;
    object_make(&endpoint, OBJECT_ENDPOINT);
    struct cap_table *table = cap_table_create(4);
    cap_insert_apply(table, 0, &endpoint.base, RIGHT_READ, 0);
    cap_copy_apply(table, 0, table, 1, RIGHT_READ);
    EXPECT(cap_table_check(table));
    fprintf(stderr, "(five cap_table_check violations expected below)\n");
    slot(table, 1)->rights = RIGHT_ALL;
    EXPECT(!cap_table_check(table));
    slot(table, 1)->rights = RIGHT_READ;
    table->used = 3;
    EXPECT(!cap_table_check(table));
    table->used = 2;
    slot(table, 2)->badge = 1;
    EXPECT(!cap_table_check(table));
    slot(table, 2)->badge = 0;
    slot(table, 0)->first_child = NULL;
    EXPECT(!cap_table_check(table));
    slot(table, 0)->first_child = slot(table, 1);
    EXPECT(cap_table_check(table));
    /* Two equal capabilities each the other's parent and only child: every
     * link agrees, only the walk up the parents finds the cycle. */
    slot(table, 0)->parent = slot(table, 1);
    slot(table, 1)->first_child = slot(table, 0);
    EXPECT(!cap_table_check(table));
    slot(table, 0)->parent = NULL;
    slot(table, 1)->first_child = NULL;
    EXPECT(cap_table_check(table));
    cap_table_destroy(table);
    return true;
}

/* ---------------------------------------------------------------- randomized */

#define MODEL_TABLES 4
#define MODEL_SLOTS 12
#define MODEL_OBJECTS 5
#define MODEL_NONE (-1)

/* The model: per slot, the object index (or NONE), rights, badge and the
 * parent's position table * MODEL_SLOTS + slot (or NONE). */
struct model_slot {
    int object;
    uint32_t rights;
    uint64_t badge;
    int parent;
};

static struct model_slot model[MODEL_TABLES * MODEL_SLOTS];
static struct test_object objects[MODEL_OBJECTS];
static struct cap_table *random_tables[MODEL_TABLES];
static uint64_t random_state;

static uint32_t random_next(uint32_t bound)
{
    random_state ^= random_state << 13;
    random_state ^= random_state >> 7;
    random_state ^= random_state << 17;
    return (uint32_t)(random_state % bound);
}

static void model_clear(int position)
{
    model[position] = (struct model_slot){MODEL_NONE, 0, 0, MODEL_NONE};
}

static void model_delete(int position)
{
    for (int i = 0; i < MODEL_TABLES * MODEL_SLOTS; i++) {
        if (model[i].parent == position)
            model[i].parent = model[position].parent;
    }
    model_clear(position);
}

static bool model_descends(int position, int ancestor)
{
    for (int up = model[position].parent; up != MODEL_NONE; up = model[up].parent) {
        if (up == ancestor)
            return true;
    }
    return false;
}

static uint32_t model_revoke(int position)
{
    uint32_t deleted = 0;
    bool doomed[MODEL_TABLES * MODEL_SLOTS];
    for (int i = 0; i < MODEL_TABLES * MODEL_SLOTS; i++)
        doomed[i] = model[i].object != MODEL_NONE && model_descends(i, position);
    for (int i = 0; i < MODEL_TABLES * MODEL_SLOTS; i++) {
        if (doomed[i]) {
            model_clear(i);
            deleted++;
        }
    }
    return deleted;
}

static int position_of(const struct capability *capability)
{
    if (capability == NULL)
        return MODEL_NONE;
    for (int t = 0; t < MODEL_TABLES; t++) {
        struct cap_table *table = random_tables[t];
        if (capability >= table->slots && capability < table->slots + table->size)
            return t * MODEL_SLOTS + (int)(capability - table->slots);
    }
    return -2; /* points outside every table */
}

static bool model_matches(void)
{
    uint32_t counted[MODEL_OBJECTS] = {0};
    for (int t = 0; t < MODEL_TABLES; t++) {
        for (int s = 0; s < MODEL_SLOTS; s++) {
            const struct capability *real = slot(random_tables[t], (uint32_t)s);
            const struct model_slot *expected = &model[t * MODEL_SLOTS + s];
            struct object *object = expected->object == MODEL_NONE
                                        ? NULL
                                        : &objects[expected->object].base;
            if (real->object != object || real->rights != expected->rights ||
                real->badge != expected->badge || position_of(real->parent) != expected->parent)
                return false;
            if (expected->object != MODEL_NONE)
                counted[expected->object]++;
        }
    }
    for (int i = 0; i < MODEL_OBJECTS; i++) {
        if (objects[i].base.references != counted[i] + 1 || objects[i].destroyed != 0)
            return false;
    }
    return true;
}

/* One random operation; returns false when the implementation and the
 * model disagree or a refused check changed something. */
static bool random_step(void)
{
    uint32_t ft = random_next(MODEL_TABLES), tt = random_next(MODEL_TABLES);
    /* Slots slightly past the end reach the out-of-range refusals. */
    uint32_t source = random_next(MODEL_SLOTS + 2), destination = random_next(MODEL_SLOTS + 2);
    uint32_t rights = random_next(16);
    uint64_t badge = random_next(4);
    struct cap_table *from = random_tables[ft], *to = random_tables[tt];
    int from_position = (int)(ft * MODEL_SLOTS + source);
    int to_position = (int)(tt * MODEL_SLOTS + destination);
    struct snapshot before = snapshot_take(random_tables, MODEL_TABLES);
    /* What the checks must say, from the model alone. */
    bool source_valid = source < MODEL_SLOTS && model[from_position].object != MODEL_NONE;
    int destination_error = destination >= MODEL_SLOTS                        ? ERROR_INVALID_ARGUMENT
                            : model[to_position].object != MODEL_NONE ? ERROR_SLOT_OCCUPIED
                                                                      : 0;
    int copy_error = !source_valid ? ERROR_INVALID_CAPABILITY : destination_error;
    int mint_error = copy_error ? copy_error
                     : (badge == 0 || model[from_position].badge != 0) ? ERROR_INVALID_ARGUMENT
                                                                        : 0;
    int expected, error;
    switch (random_next(7)) {
    case 0: {
        int object = (int)random_next(MODEL_OBJECTS);
        expected = destination_error;
        error = cap_insert_check(to, destination);
        if (!error) {
            cap_insert_apply(to, destination, &objects[object].base, rights, badge);
            model[to_position] = (struct model_slot){object, rights, badge, MODEL_NONE};
        }
        break;
    }
    case 1:
    case 2:
        expected = copy_error;
        error = cap_copy_check(from, source, to, destination);
        if (!error) {
            cap_copy_apply(from, source, to, destination, rights);
            model[to_position] = model[from_position];
            model[to_position].rights &= rights;
            model[to_position].parent = from_position;
        }
        break;
    case 3:
        expected = mint_error;
        error = cap_mint_check(from, source, to, destination, badge);
        if (!error) {
            cap_mint_apply(from, source, to, destination, rights, badge);
            model[to_position] = model[from_position];
            model[to_position].rights &= rights;
            model[to_position].badge = badge;
            model[to_position].parent = from_position;
        }
        break;
    case 4:
        expected = copy_error;
        error = cap_move_check(from, source, to, destination);
        if (!error) {
            cap_move_apply(from, source, to, destination);
            model[to_position] = model[from_position];
            model_clear(from_position);
            for (int i = 0; i < MODEL_TABLES * MODEL_SLOTS; i++) {
                if (model[i].parent == from_position)
                    model[i].parent = to_position;
            }
        }
        break;
    case 5:
        expected = source_valid ? 0 : ERROR_INVALID_CAPABILITY;
        error = cap_delete_check(from, source);
        if (!error) {
            cap_delete_apply(from, source);
            model_delete(from_position);
        }
        break;
    default:
        expected = source_valid ? 0 : ERROR_INVALID_CAPABILITY;
        error = cap_revoke_check(from, source);
        if (!error && cap_revoke_apply(from, source) != model_revoke(from_position))
            return false;
        break;
    }
    if (error != expected) {
        free(before.bytes);
        return false;
    }
    if (error) {
        if (!snapshot_same(before, random_tables, MODEL_TABLES))
            return false;
    } else {
        free(before.bytes);
    }
    return tables_valid(random_tables, MODEL_TABLES) && model_matches();
}

static bool test_randomized(void)
{
    current_test = "randomized operations agree with the model, invariants hold";
    static const uint64_t seeds[] = {1, 2, 0x9e3779b97f4a7c15ull, 12345, 777};
    unsigned steps = 0;
    for (size_t seed = 0; seed < sizeof seeds / sizeof seeds[0]; seed++) {
        random_state = seeds[seed];
        for (int i = 0; i < MODEL_OBJECTS; i++)
            object_make(&objects[i], (enum object_type)(OBJECT_MEMORY + i));
        for (int t = 0; t < MODEL_TABLES; t++)
            random_tables[t] = cap_table_create(MODEL_SLOTS);
        for (int i = 0; i < MODEL_TABLES * MODEL_SLOTS; i++)
            model_clear(i);
        for (int step = 0; step < 4000; step++, steps++) {
            if (!random_step()) {
                printf("FAIL %s: seed %zu step %d\n", current_test, seed, step);
                failures++;
                return false;
            }
        }
        for (int t = 0; t < MODEL_TABLES; t++)
            cap_table_destroy(random_tables[t]);
        for (int i = 0; i < MODEL_OBJECTS; i++)
            EXPECT(objects[i].base.references == 1 && objects[i].destroyed == 0);
    }
    printf("PASS %s (%u operations, 5 seeds)\n", current_test, steps);
    return true;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0); /* FAIL lines survive a sanitizer's exit */
    for (int type = OBJECT_MEMORY; type < OBJECT_TYPE_COUNT; type++)
        object_type_register((enum object_type)type, test_object_destroy);
    bool (*const tests[])(void) = {
        test_lookup, test_copy_narrows, test_mint_badge_once, test_move_keeps_position,
        test_delete_reparents, test_revoke_three_tables,
        test_destroy_table_with_children_elsewhere, test_mappings_follow_revoke_and_delete,
        test_references_destroy_once,
        test_checks_never_mutate, test_slot_limit, test_check_catches_corruption,
    };
    for (size_t i = 0; i < sizeof tests / sizeof tests[0]; i++) {
        if (tests[i]())
            printf("PASS %s\n", current_test);
    }
    test_randomized();
    return failures ? 1 : 0;
}
