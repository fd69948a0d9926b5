/* libFuzzer target for the system calls: each input is a bounded sequence
 * of calls (any number, six arguments) run through the real dispatcher
 * (kernel/syscall/dispatch.c), the generated table and the real capability
 * handlers (kernel/cap/cap_syscalls.c, capability.c), on the fakes of
 * tests/kernel/fake/syscall_fakes.c, by one of two processes (or a thread
 * of none) whose tables start with capabilities of several types, rights
 * and badges, some derived from others.
 *
 * Input, per call: a byte choosing the caller (% 8: 0-3 process 0, 4-6
 * process 1, 7 none); a byte for the number (below 0xf0: it % 80, which
 * takes in the unassigned and out-of-range numbers; else 8 more bytes, any
 * 64-bit number); six arguments, each a kind byte (low 3 bits) and what
 * that kind reads: 0, 6, 7 a slot (kind >> 3, % 12: in and just past the
 * tables); 1 a small value (one byte: rights, badges); 2 an address in
 * or straddling the user window (two bytes); 3 any 64 bits (eight bytes);
 * 4 a slot above 32 bits; 5 an address outside the window (kind >> 3
 * picks: null, the guard, the kernel half, the top, the user end).
 *
 * After every call, abort() unless: the result is >= 0 or a documented
 * error (kernel/error.h's table); the lock is released; a call the
 * dispatcher refuses (its rule re-derived here from the table: unknown
 * number, slot above 32 bits, out of the table, empty, wrong type, missing
 * right) returned that error, ran no handler and left exactly one audit
 * record naming the caller, the call and the slot; a call it lets through
 * left no record and reached its handler with the call's arguments; a
 * capability call's result and effect are those of a shadow model of both
 * tables (object, rights, badge, parent of every slot), a copy or mint never
 * has a right its source lacked, and no call changes the other process's
 * table; cap_table_check holds on both tables; every object's reference
 * count is one plus the slots naming it; nothing outside the user window is
 * written, and inside it only cap_identify's 24 bytes. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/syscall/dispatch.h"
#include "kernel/syscall/table.h"
#include "kernel/syscall/user_memory.h"
#include "sdk/include/nonos/abi.h"
#include "tests/kernel/fake/syscall_fakes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CALLS_MAX 64
#define TABLES 2
#define SLOTS_MAX 8
#define OBJECTS 7
#define WINDOW_SIZE 256
#define GUARD_SIZE 64
#define SYSCALL_CAP_COPY 10
#define SYSCALL_CAP_IDENTIFY 15

static const uint32_t table_sizes[TABLES] = {8, 6};
static const enum object_type object_types[OBJECTS] = {
    OBJECT_ENDPOINT, OBJECT_NOTIFICATION, OBJECT_MEMORY,   OBJECT_CONSOLE,
    OBJECT_SUPERVISOR, OBJECT_REPLY,      OBJECT_DEVICE};

static struct object objects[OBJECTS];
static struct process processes[TABLES];
/* guard | user window | guard; `expected` is what it must hold after a call */
static unsigned char memory[GUARD_SIZE + WINDOW_SIZE + GUARD_SIZE];
static unsigned char expected[sizeof memory];
static unsigned char *const window = memory + GUARD_SIZE;

/* ---------------------------------------------------------------- model */

struct model_slot {
    int object; /* index into objects; -1: empty */
    uint32_t rights;
    uint64_t badge;
    int parent; /* slot index in the same table; -1: a root */
};
static struct model_slot model[TABLES][SLOTS_MAX];
static int call_index;

static void require(bool condition, const char *what)
{
    if (condition)
        return;
    fprintf(stderr, "fuzz_syscall: call %d: %s\n", call_index, what);
    abort();
}

static int object_index(const struct object *object)
{
    for (int i = 0; i < OBJECTS; i++) {
        if (object == &objects[i])
            return i;
    }
    return -1;
}

/* The model of table t as the real table holds it (at the start). */
static void model_load(int t)
{
    const struct cap_table *table = processes[t].caps;
    for (uint32_t s = 0; s < table->size; s++) {
        const struct capability *slot = &table->slots[s];
        model[t][s] = (struct model_slot){
            slot->object ? object_index(slot->object) : -1, slot->rights, slot->badge,
            slot->parent ? (int)(slot->parent - table->slots) : -1};
    }
}

static void model_compare(int t)
{
    const struct cap_table *table = processes[t].caps;
    for (uint32_t s = 0; s < table->size; s++) {
        const struct capability *slot = &table->slots[s];
        const struct model_slot *m = &model[t][s];
        bool parent_ok = m->parent < 0 ? slot->parent == NULL
                                       : slot->parent == &table->slots[m->parent];
        int object = slot->object ? object_index(slot->object) : -1;
        require(object == m->object && slot->rights == m->rights && slot->badge == m->badge &&
                    parent_ok,
                "a slot differs from the model");
    }
}

static void references_check(void)
{
    for (int i = 0; i < OBJECTS; i++) {
        uint32_t count = 1;
        for (int t = 0; t < TABLES; t++) {
            for (uint32_t s = 0; s < table_sizes[t]; s++)
                count += model[t][s].object == i;
        }
        require(objects[i].references == count, "an object's reference count is wrong");
    }
}

static bool model_descends(const struct model_slot *m, int slot, int ancestor)
{
    int steps = 0; /* the model's chains are acyclic; bounded all the same */
    for (int up = m[slot].parent; up >= 0 && steps <= SLOTS_MAX; up = m[up].parent, steps++) {
        if (up == ancestor)
            return true;
    }
    return false;
}

/* cap_delete: the children go to the slot's parent. */
static void model_delete(struct model_slot *m, uint32_t size, int slot)
{
    for (uint32_t s = 0; s < size; s++) {
        if (m[s].object >= 0 && m[s].parent == slot)
            m[s].parent = m[slot].parent;
    }
    m[slot] = (struct model_slot){-1, 0, 0, -1};
}

static int64_t model_revoke(struct model_slot *m, uint32_t size, int slot)
{
    int64_t deleted = 0;
    bool doomed[SLOTS_MAX] = {false};
    for (uint32_t s = 0; s < size; s++)
        doomed[s] = m[s].object >= 0 && model_descends(m, (int)s, slot);
    for (uint32_t s = 0; s < size; s++) {
        if (doomed[s]) {
            m[s] = (struct model_slot){-1, 0, 0, -1};
            deleted++;
        }
    }
    return deleted;
}

static void model_move(struct model_slot *m, uint32_t size, int from, int to)
{
    m[to] = m[from];
    m[from] = (struct model_slot){-1, 0, 0, -1};
    for (uint32_t s = 0; s < size; s++) {
        if (m[s].object >= 0 && m[s].parent == from)
            m[s].parent = to;
    }
}

/* A destination argument: 0 or the error (positive) it must give. */
static int model_destination(const struct model_slot *m, uint32_t size, uint64_t destination)
{
    if (destination >= size)
        return ERROR_INVALID_ARGUMENT;
    return m[destination].object >= 0 ? ERROR_SLOT_OCCUPIED : 0;
}

/* cap_copy (10) and cap_mint (11) from a slot the dispatcher accepted. */
static int64_t model_derive(struct model_slot *m, uint32_t size, const uint64_t *argument,
                            bool mint)
{
    uint32_t source = (uint32_t)argument[0];
    if (argument[2] & ~(uint64_t)RIGHT_ALL)
        return -ERROR_INVALID_ARGUMENT;
    int error = model_destination(m, size, argument[1]);
    if (error)
        return -error;
    if (mint && (argument[3] == 0 || m[source].badge != 0))
        return -ERROR_INVALID_ARGUMENT;
    m[argument[1]] = (struct model_slot){m[source].object, (uint32_t)argument[2] & m[source].rights,
                                         mint ? argument[3] : m[source].badge, (int)source};
    return 0;
}

/* Where cap_identify writes, if it may: the window holds the 24 bytes. */
static bool window_holds(uint64_t address, uint64_t length)
{
    uint64_t start = (uintptr_t)window;
    return user_memory_range_valid(address, length) && address >= start &&
           address - start <= WINDOW_SIZE - length;
}

static int64_t model_identify(const struct model_slot *m, const uint64_t *argument)
{
    uint32_t slot = (uint32_t)argument[0];
    struct nonos_cap_info info = {slot, (uint32_t)object_types[m[slot].object], m[slot].rights, 0,
                                  m[slot].badge};
    if (!window_holds(argument[1], sizeof info))
        return -ERROR_BAD_ADDRESS;
    memcpy(expected + GUARD_SIZE + (argument[1] - (uintptr_t)window), &info, sizeof info);
    return 0;
}

/* A capability call (10-15) the dispatcher let through: its result, with
 * the model of the caller's table changed as the call must change it. */
static int64_t model_cap_call(int t, uint64_t number, const uint64_t *argument)
{
    struct model_slot *m = model[t];
    uint32_t size = table_sizes[t], slot = (uint32_t)argument[0];
    switch (number) {
    case 10: return model_derive(m, size, argument, false);
    case 11: return model_derive(m, size, argument, true);
    case 12: {
        int error = model_destination(m, size, argument[1]);
        if (!error)
            model_move(m, size, (int)slot, (int)argument[1]);
        return -error;
    }
    case 13: model_delete(m, size, (int)slot); return 0;
    case 14: return model_revoke(m, size, (int)slot);
    default: return model_identify(m, argument);
    }
}

/* ---------------------------------------------------------------- the dispatcher's rule */

struct refusal {
    int64_t error; /* 0: let through */
    uint32_t slot;
};

static struct refusal dispatcher_rule(int t, uint64_t number, const uint64_t *argument)
{
    if (number >= SYSCALL_TABLE_SIZE || syscall_table[number].invoke == NULL)
        return (struct refusal){-ERROR_INVALID_SYSCALL, CAP_SLOT_NONE};
    const struct syscall_entry *entry = &syscall_table[number];
    for (uint32_t i = 0; i < entry->slot_count; i++) {
        uint64_t value = argument[entry->slots[i].argument];
        if (value > UINT32_MAX)
            return (struct refusal){-ERROR_INVALID_CAPABILITY, CAP_SLOT_NONE};
        if (t < 0 || value >= table_sizes[t] || model[t][value].object < 0)
            return (struct refusal){-ERROR_INVALID_CAPABILITY, (uint32_t)value};
        const struct model_slot *m = &model[t][value];
        if (entry->slots[i].type != OBJECT_NONE && entry->slots[i].type != object_types[m->object])
            return (struct refusal){-ERROR_WRONG_TYPE, (uint32_t)value};
        if ((m->rights & entry->slots[i].rights) != entry->slots[i].rights)
            return (struct refusal){-ERROR_NO_RIGHT, (uint32_t)value};
    }
    return (struct refusal){0, 0};
}

/* ---------------------------------------------------------------- input */

struct input {
    const uint8_t *data;
    size_t size, at;
};

static uint8_t input_byte(struct input *in)
{
    return in->at < in->size ? in->data[in->at++] : 0;
}

static uint64_t input_u64(struct input *in)
{
    uint64_t value = 0;
    for (int i = 0; i < 8; i++)
        value |= (uint64_t)input_byte(in) << (8 * i);
    return value;
}

static uint64_t input_outside(uint8_t choice, uint8_t offset)
{
    switch (choice % 5) {
    case 0: return offset;                                         /* null page */
    case 1: return (uintptr_t)memory + offset % GUARD_SIZE;        /* the guard below */
    case 2: return 0xffff800000000000ull + offset;                 /* the kernel half */
    case 3: return UINT64_MAX - offset;                            /* wraps */
    default: return MMU_USER_END - offset;                         /* straddles the end */
    }
}

static uint64_t input_argument(struct input *in)
{
    uint8_t kind = input_byte(in);
    switch (kind & 7) {
    case 1: return input_byte(in);
    case 2: {
        uint32_t offset = input_byte(in) | (uint32_t)input_byte(in) << 8;
        return (uintptr_t)window - 24 + offset % (WINDOW_SIZE + 48);
    }
    case 3: return input_u64(in);
    case 4: return ((uint64_t)1 << 32) | (kind >> 3);
    case 5: return input_outside(kind >> 3, input_byte(in));
    default: return (kind >> 3) % 12;
    }
}

static uint64_t input_number(struct input *in)
{
    uint8_t byte = input_byte(in);
    return byte < 0xf0 ? byte % 80 : input_u64(in);
}

/* ---------------------------------------------------------------- one call */

static void refusal_check(struct process *caller, uint64_t number, struct refusal refusal,
                          int64_t result)
{
    require(result == refusal.error, "a refused call returned another error");
    require(fake_audited.count == 1, "a refused call left no audit record, or several");
    require(fake_audited.process == caller && fake_audited.error == result,
            "the audit record names another process or error");
    require(fake_audited.syscall == (number > UINT32_MAX ? UINT32_MAX : number),
            "the audit record names another call");
    require(fake_audited.slot == refusal.slot, "the audit record names another slot");
    require(fake_handled.count == 0, "a refused call ran a handler");
}

static void derive_check(int t, uint64_t number, const uint64_t *argument, int64_t result,
                         const struct model_slot *before)
{
    if (result != 0 || (number != 10 && number != 11))
        return;
    const struct capability *made = &processes[t].caps->slots[argument[1]];
    require((made->rights & ~before[(uint32_t)argument[0]].rights) == 0,
            "a copy or mint has a right its source lacked");
}

/* A handler the dispatcher let through got the call's arguments, in order
 * (the fakes record their first three). */
static void arguments_check(uint64_t number, const uint64_t *argument)
{
    for (uint32_t i = 0; i < 3 && i < syscall_table[number].argument_count; i++)
        require(fake_handled.argument[i] == argument[i], "a handler got other arguments");
}

static void call_run(int t, uint64_t number, const uint64_t *argument)
{
    struct process *caller = t < 0 ? NULL : &processes[t];
    struct model_slot before[SLOTS_MAX] = {{0}};
    if (t >= 0)
        memcpy(before, model[t], sizeof before);
    memcpy(expected, memory, sizeof memory);
    struct refusal refusal = dispatcher_rule(t, number, argument);
    bool cap_call = number >= SYSCALL_CAP_COPY && number <= SYSCALL_CAP_IDENTIFY;
    int64_t predicted = refusal.error == 0 && cap_call ? model_cap_call(t, number, argument) : 0;
    struct syscall_arguments call = {number, {0}};
    memcpy(call.argument, argument, sizeof call.argument);
    fake_process_current = caller;
    fake_records_clear();
    int64_t result = syscall_dispatch(&call);
    require(result >= 0 || strcmp(kernel_error_message(result), "unknown error") != 0,
            "the result is neither >= 0 nor a documented error");
    require(fake_interrupts_depth == 0, "the lock was left held");
    if (refusal.error != 0) {
        refusal_check(caller, number, refusal, result);
    } else {
        require(fake_audited.count == 0, "a call let through was audited");
        require(cap_call ? fake_handled.count == 0 && result == predicted
                         : fake_handled.count == 1 && result == FAKE_HANDLER_RESULT,
                "a call let through did not do what its handler does");
        if (!cap_call)
            arguments_check(number, argument);
        derive_check(t, number, argument, result, before);
    }
    for (int i = 0; i < TABLES; i++) {
        require(cap_table_check(processes[i].caps), "cap_table_check failed");
        model_compare(i);
    }
    references_check();
    require(memcmp(memory, expected, sizeof memory) == 0,
            "memory written outside the user window, or in it by a call that writes none");
}

/* ---------------------------------------------------------------- setup */

/* Process 0: an endpoint with every right, a copy of it (read, grant), a
 * badged mint of it (write), a notification, memory, the console; process
 * 1: a supervisor, the same endpoint badged, a reply, a device. */
static void tables_seed(void)
{
    struct cap_table *zero = processes[0].caps, *one = processes[1].caps;
    cap_insert_apply(zero, 0, &objects[0], RIGHT_ALL, 0);
    cap_copy_apply(zero, 0, zero, 4, RIGHT_READ | RIGHT_GRANT);
    cap_mint_apply(zero, 0, zero, 5, RIGHT_WRITE, 9);
    cap_insert_apply(zero, 1, &objects[1], RIGHT_READ | RIGHT_WRITE, 0);
    cap_insert_apply(zero, 2, &objects[2], RIGHT_READ | RIGHT_WRITE | RIGHT_GRANT, 0);
    cap_insert_apply(zero, 3, &objects[3], RIGHT_WRITE, 0);
    cap_insert_apply(one, 0, &objects[4], RIGHT_CONTROL | RIGHT_READ, 0);
    cap_insert_apply(one, 1, &objects[0], RIGHT_WRITE, 5);
    cap_insert_apply(one, 2, &objects[5], RIGHT_WRITE, 0);
    cap_insert_apply(one, 3, &objects[6], RIGHT_ALL, 0);
}

static void setup(void)
{
    for (int i = 0; i < OBJECTS; i++)
        object_init(&objects[i], object_types[i]);
    for (int t = 0; t < TABLES; t++) {
        processes[t].caps = cap_table_create(table_sizes[t]);
        require(processes[t].caps != NULL, "out of memory");
    }
    tables_seed();
    for (int t = 0; t < TABLES; t++)
        model_load(t);
    memset(memory, 0xa5, sizeof memory);
    fake_user_window = (uintptr_t)window;
    fake_user_window_size = WINDOW_SIZE;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    setup();
    struct input in = {data, size, 0};
    for (call_index = 0; call_index < CALLS_MAX && in.at < in.size; call_index++) {
        uint8_t who = input_byte(&in) % 8;
        int t = who < 4 ? 0 : who < 7 ? 1 : -1;
        uint64_t number = input_number(&in);
        uint64_t argument[SYSCALL_ARGUMENTS_MAX];
        for (int a = 0; a < SYSCALL_ARGUMENTS_MAX; a++)
            argument[a] = input_argument(&in);
        call_run(t, number, argument);
    }
    for (int t = 0; t < TABLES; t++)
        cap_table_destroy(processes[t].caps);
    for (int i = 0; i < OBJECTS; i++)
        require(objects[i].references == 1, "a reference left behind after the tables went");
    return 0;
}
