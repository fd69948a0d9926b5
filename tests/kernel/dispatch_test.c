/* Host test of the system-call dispatcher (kernel/syscall/dispatch.c) with
 * the generated table, under ASan + UBSan: unknown numbers, and every slot
 * argument of every call, are refused with the distinct error and an audit
 * record (process, call, slot, error) without the handler running; with the
 * capability the handler runs with its arguments converted.
 *
 * The capability handlers are the real ones (kernel/cap/cap_syscalls.c, its
 * lock faked by tests/kernel/fake); the calling process (one table), the
 * audit log, the user-memory copy and every other handler are the fakes of
 * tests/kernel/fake/syscall_fakes.c (shared with tests/fuzz/fuzz_syscall.c);
 * the heap, kprintf and panic those of tests/kernel/fake/kernel_runtime.c.
 * Prints PASS/FAIL lines; exits 1 on any FAIL. */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/syscall/dispatch.h"
#include "kernel/syscall/table.h"
#include "sdk/include/nonos/abi.h"
#include "sdk/include/nonos/error.h"
#include "tests/kernel/fake/syscall_fakes.h"

static struct process caller; /* the calling process, fake_process_current */

/* ---------------------------------------------------------------- tests */

static int failures;

#define EXPECT(name, cond)                                                             \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            printf("FAIL %s: %s (line %d)\n", name, #cond, __LINE__);                  \
            failures++;                                                                \
            return;                                                                    \
        }                                                                              \
    } while (0)

static int64_t dispatch4(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct syscall_arguments call = {number, {a0, a1, a2, a3, 0, 0}};
    memset(&fake_audited, 0, sizeof fake_audited);
    memset(&fake_handled, 0, sizeof fake_handled);
    return syscall_dispatch(&call);
}

static int64_t dispatch(uint64_t number, uint64_t a0, uint64_t a1, uint64_t a2)
{
    return dispatch4(number, a0, a1, a2, 0);
}

static void test_unknown_numbers(void)
{
    const char *name = "unknown numbers refused and audited";
    static const uint64_t numbers[] = {9, 16, 19, 24, 29, 25, SYSCALL_TABLE_SIZE, 1000,
                                       UINT32_MAX, (uint64_t)1 << 63, UINT64_MAX};
    for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
        EXPECT(name, dispatch(numbers[i], 0, 0, 0) == -ERROR_INVALID_SYSCALL);
        EXPECT(name, fake_audited.count == 1 && fake_audited.process == &caller);
        EXPECT(name, fake_audited.syscall == (numbers[i] > UINT32_MAX ? UINT32_MAX : numbers[i]));
        EXPECT(name, fake_audited.slot == CAP_SLOT_NONE && fake_audited.error == -ERROR_INVALID_SYSCALL);
        EXPECT(name, fake_handled.count == 0);
    }
    printf("PASS %s (%zu numbers)\n", name, sizeof numbers / sizeof numbers[0]);
}

static void test_console_checks(struct object *console, struct object *endpoint)
{
    const char *name = "console_write: each missing capability or right refused and audited";
    struct cap_table *caps = caller.caps;
    EXPECT(name, dispatch(1, 0, 0x1000, 5) == -ERROR_INVALID_CAPABILITY);
    EXPECT(name, fake_audited.count == 1 && fake_audited.syscall == 1 && fake_audited.slot == 0);
    EXPECT(name, fake_audited.error == -ERROR_INVALID_CAPABILITY && fake_handled.count == 0);
    cap_insert_apply(caps, 0, console, RIGHT_READ, 0);
    cap_insert_apply(caps, 1, endpoint, RIGHT_ALL, 0);
    cap_insert_apply(caps, 2, console, RIGHT_WRITE, 0);
    EXPECT(name, dispatch(1, 0, 0x1000, 5) == -ERROR_NO_RIGHT);
    EXPECT(name, fake_audited.count == 1 && fake_audited.slot == 0 && fake_audited.error == -ERROR_NO_RIGHT);
    EXPECT(name, dispatch(1, 1, 0x1000, 5) == -ERROR_WRONG_TYPE);
    EXPECT(name, fake_audited.slot == 1 && fake_audited.error == -ERROR_WRONG_TYPE && fake_handled.count == 0);
    EXPECT(name, dispatch(1, 7, 0x1000, 5) == -ERROR_INVALID_CAPABILITY && fake_audited.slot == 7);
    EXPECT(name, dispatch(1, ((uint64_t)1 << 32) | 2, 0x1000, 5) == -ERROR_INVALID_CAPABILITY);
    EXPECT(name, fake_audited.count == 1 && fake_audited.slot == CAP_SLOT_NONE && fake_handled.count == 0);
    EXPECT(name, dispatch(2, 2, 0x1000, 5) == -ERROR_NO_RIGHT && fake_handled.count == 0);
    EXPECT(name, dispatch(1, 2, 0x1000, 5) == 1000);
    EXPECT(name, fake_audited.count == 0 && fake_handled.count == 1);
    EXPECT(name, strcmp(fake_handled.name, "console_write") == 0 && fake_handled.argument[0] == 2);
    EXPECT(name, fake_handled.argument[1] == 0x1000 && fake_handled.argument[2] == 5);
    EXPECT(name, dispatch(2, 0, 0x2000, 9) == 1000 && strcmp(fake_handled.name, "console_read") == 0);
    fake_process_current = NULL;
    EXPECT(name, dispatch(1, 2, 0x1000, 5) == -ERROR_INVALID_CAPABILITY);
    EXPECT(name, fake_audited.process == NULL && fake_handled.count == 0);
    fake_process_current = &caller;
    printf("PASS %s\n", name);
}

static void test_second_slot(void)
{
    const char *name = "a call with two slots: the second one's failure is audited with its slot";
    /* ipc_reply_receive (36): reply (argument 0, reply, write), endpoint
     * (argument 2, endpoint, read). Slot 3 gets a reply capability; slot 2
     * holds the console, slot 1 an endpoint with every right. */
    static struct object reply;
    object_init(&reply, OBJECT_REPLY);
    cap_insert_apply(caller.caps, 3, &reply, RIGHT_WRITE, 0);
    const struct syscall_entry *entry = &syscall_table[36];
    EXPECT(name, entry->slot_count == 2 && entry->slots[1].argument == 2);
    struct syscall_arguments call = {36, {3, 0x1000, 2, 5, 0, 0}};
    memset(&fake_audited, 0, sizeof fake_audited);
    EXPECT(name, syscall_dispatch(&call) == -ERROR_WRONG_TYPE);
    EXPECT(name, fake_audited.count == 1 && fake_audited.slot == 2 && fake_audited.syscall == 36);
    call.argument[2] = 1;
    memset(&fake_audited, 0, sizeof fake_audited);
    /* Both pass: the handler (a fake here) runs with the arguments. */
    memset(&fake_handled, 0, sizeof fake_handled);
    EXPECT(name, syscall_dispatch(&call) == 1000 && fake_audited.count == 0 && fake_handled.count == 1 &&
                     strcmp(fake_handled.name, "ipc_reply_receive") == 0);
    cap_delete_apply(caller.caps, 3);
    EXPECT(name, reply.references == 1);
    printf("PASS %s\n", name);
}

/* syscall_entry (x86_64) passes the register IPC calls straight to their
 * handlers (kernel/arch/user.h): that is only the same as dispatching them
 * while the table gives them no slot check and all six arguments. */
static void test_register_calls_need_no_dispatch(void)
{
    const char *name = "the register IPC calls: no slot checks, six arguments, handler reached";
    for (uint64_t number = 62; number <= 63; number++) {
        const struct syscall_entry *entry = &syscall_table[number];
        EXPECT(name, entry->invoke != NULL && entry->slot_count == 0 &&
                         entry->argument_count == 6);
        struct syscall_arguments call = {number, {7, 8, 9, 10, 11, 12}};
        memset(&fake_handled, 0, sizeof fake_handled);
        EXPECT(name, syscall_dispatch(&call) == 1000 && fake_handled.count == 1 &&
                         strcmp(fake_handled.name, number == 62 ? "ipc_call_registers"
                                                           : "ipc_reply_receive_registers") == 0);
    }
    printf("PASS %s\n", name);
}

/* With an empty table, every call with a slot argument is refused before its
 * handler, and the unimplemented ones without slots reach their handler. */
static void test_every_call_without_capabilities(void)
{
    const char *name = "every call with a slot argument refused with no capabilities";
    struct cap_table *empty = cap_table_create(4);
    struct cap_table *saved = caller.caps;
    caller.caps = empty;
    unsigned refused = 0, calls = 0;
    for (uint32_t number = 0; number < SYSCALL_TABLE_SIZE; number++) {
        const struct syscall_entry *entry = &syscall_table[number];
        if (entry->invoke == NULL)
            continue;
        calls++;
        EXPECT(name, entry->argument_count <= SYSCALL_ARGUMENTS_MAX);
        EXPECT(name, entry->slot_count <= SYSCALL_SLOT_CHECKS_MAX);
        if (entry->slot_count == 0)
            continue;
        EXPECT(name, entry->slots[0].argument < entry->argument_count);
        if (dispatch(number, 0, 0, 0) != -ERROR_INVALID_CAPABILITY || fake_audited.count != 1 ||
            fake_audited.syscall != number || fake_audited.slot != 0 || fake_handled.count != 0) {
            printf("FAIL %s: call %u (%s) not refused as expected\n", name, number, entry->name);
            failures++;
            break;
        }
        refused++;
    }
    caller.caps = saved;
    cap_table_destroy(empty);
    EXPECT(name, refused >= 20 && calls >= 30);
    printf("PASS %s (%u of %u calls have slots)\n", name, refused, calls);
}

/* The kernel's and the SDK's message tables agree, for either sign. */
static void test_error_messages(void)
{
    const char *name = "kernel_error_message and nonos_error_message agree on every value";
    static const long extremes[] = {LONG_MIN, LONG_MIN + 1, LONG_MAX, -1000, 1000};
    unsigned known = 0;
    for (long value = -40; value <= 40; value++) {
        const char *kernel = kernel_error_message(value);
        EXPECT(name, strcmp(kernel, nonos_error_message(value)) == 0);
        EXPECT(name, strcmp(kernel, kernel_error_message(-value)) == 0);
        known += strcmp(kernel, "unknown error") != 0;
    }
    for (size_t i = 0; i < sizeof extremes / sizeof extremes[0]; i++) {
        EXPECT(name, strcmp(kernel_error_message(extremes[i]), "unknown error") == 0);
        EXPECT(name, strcmp(nonos_error_message(extremes[i]), "unknown error") == 0);
    }
    EXPECT(name, strcmp(kernel_error_message(-ERROR_NO_RIGHT),
                        "the capability lacks a right the call needs") == 0);
    EXPECT(name, NONOS_ERROR_NO_RIGHT == ERROR_NO_RIGHT && NONOS_ERROR_BUSY == ERROR_BUSY);
    /* 22 values (OK to NOT_CONTIGUOUS), each seen once per sign and 0 once. */
    EXPECT(name, known == 43);
    printf("PASS %s\n", name);
}

/* The capability calls (10-15) through the dispatcher, with the real
 * handlers: each does its work or refuses with its error and changes
 * nothing, and leaves the lock as it found it. */
static void test_cap_calls(void)
{
    const char *name = "cap_copy, cap_mint, cap_move, cap_identify, cap_revoke, cap_delete";
    static struct object endpoint;
    object_init(&endpoint, OBJECT_ENDPOINT);
    struct cap_table *saved = caller.caps, *caps = cap_table_create(8);
    caller.caps = caps;
    cap_insert_apply(caps, 0, &endpoint, RIGHT_ALL, 0);
    EXPECT(name, dispatch(10, 0, 1, RIGHT_READ | RIGHT_WRITE) == 0);
    EXPECT(name, caps->slots[1].rights == (RIGHT_READ | RIGHT_WRITE));
    EXPECT(name, caps->slots[1].parent == &caps->slots[0]);
    EXPECT(name, dispatch(10, 0, 1, RIGHT_READ) == -ERROR_SLOT_OCCUPIED && fake_audited.count == 0);
    EXPECT(name, dispatch(10, 0, 8, RIGHT_READ) == -ERROR_INVALID_ARGUMENT);
    EXPECT(name, dispatch(10, 0, (uint64_t)1 << 32, RIGHT_READ) == -ERROR_INVALID_ARGUMENT);
    EXPECT(name, dispatch(10, 0, 2, 1u << 4) == -ERROR_INVALID_ARGUMENT);
    EXPECT(name, dispatch(10, 5, 2, RIGHT_READ) == -ERROR_INVALID_CAPABILITY);
    EXPECT(name, fake_audited.count == 1 && fake_audited.syscall == 10 && fake_audited.slot == 5);
    EXPECT(name, caps->used == 2 && cap_table_check(caps));
    EXPECT(name, dispatch4(11, 0, 2, RIGHT_WRITE, 0) == -ERROR_INVALID_ARGUMENT);
    EXPECT(name, dispatch4(11, 0, 2, RIGHT_ALL, 77) == 0 && caps->slots[2].badge == 77);
    EXPECT(name, dispatch4(11, 2, 3, RIGHT_WRITE, 5) == -ERROR_INVALID_ARGUMENT);
    EXPECT(name, dispatch(12, 2, 3, 0) == 0);
    EXPECT(name, caps->slots[2].object == NULL && caps->slots[3].badge == 77);
    EXPECT(name, dispatch(12, 3, 1, 0) == -ERROR_SLOT_OCCUPIED);
    struct nonos_cap_info info;
    memset(&info, 0xff, sizeof info);
    fake_user_window = (uintptr_t)&info;
    fake_user_window_size = sizeof info;
    EXPECT(name, dispatch(15, 3, (uint64_t)(uintptr_t)&info, 0) == 0);
    EXPECT(name, info.slot == 3 && info.type == OBJECT_ENDPOINT && info.rights == RIGHT_ALL);
    EXPECT(name, info.badge == 77 && info.reserved == 0);
    EXPECT(name, dispatch(15, 3, (uint64_t)(uintptr_t)&info + 1, 0) == -ERROR_BAD_ADDRESS);
    EXPECT(name, dispatch(15, 3, 0x1000, 0) == -ERROR_BAD_ADDRESS);
    EXPECT(name, dispatch(15, 3, 0xffff800000000000u, 0) == -ERROR_BAD_ADDRESS);
    EXPECT(name, dispatch(15, 3, UINT64_MAX - 8, 0) == -ERROR_BAD_ADDRESS);
    EXPECT(name, dispatch(15, 2, (uint64_t)(uintptr_t)&info, 0) == -ERROR_INVALID_CAPABILITY);
    EXPECT(name, dispatch(14, 0, 0, 0) == 2 && caps->used == 1);
    EXPECT(name, dispatch(14, 0, 0, 0) == 0);
    EXPECT(name, dispatch(13, 0, 0, 0) == 0 && caps->used == 0);
    EXPECT(name, dispatch(13, 0, 0, 0) == -ERROR_INVALID_CAPABILITY && fake_audited.count == 1);
    EXPECT(name, endpoint.references == 1 && fake_interrupts_depth == 0);
    caller.caps = saved;
    cap_table_destroy(caps);
    printf("PASS %s\n", name);
}

/* 200,000 calls with random numbers and arguments (fixed seed) against a
 * table holding a few capabilities: every result is success or a known
 * error, every audit record matches the result it explains, the lock is
 * always released and the table's invariants hold throughout. */
static uint64_t fuzz_state = 0x243f6a8885a308d3ull;

static uint64_t fuzz_next(void)
{
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 7;
    fuzz_state ^= fuzz_state << 17;
    return fuzz_state;
}

static uint64_t fuzz_argument(const unsigned char *buffer, size_t size)
{
    switch (fuzz_next() % 9) {
    case 0:
    case 1:
    case 2:
    case 3: return fuzz_next() % 12;               /* a slot, in or just past the table */
    case 4: return (uintptr_t)buffer + fuzz_next() % size; /* "user memory" */
    case 5: return fuzz_next();                    /* anything */
    case 6: return ((uint64_t)1 << 32) | (fuzz_next() % 8); /* a slot above 32 bits */
    case 7: return 0xffff800000000000ull + fuzz_next() % 4096; /* kernel half */
    default: return fuzz_next() % 16;              /* rights, small values */
    }
}

static void test_random_calls(void)
{
    const char *name = "200,000 random calls: known results, matching audit records, invariants";
    static unsigned char buffer[4096];
    static struct object objects[3];
    object_init(&objects[0], OBJECT_ENDPOINT);
    object_init(&objects[1], OBJECT_NOTIFICATION);
    object_init(&objects[2], OBJECT_SUPERVISOR);
    struct cap_table *saved = caller.caps, *caps = cap_table_create(10);
    caller.caps = caps;
    fake_user_window = (uintptr_t)buffer;
    fake_user_window_size = sizeof buffer;
    unsigned succeeded = 0, denied = 0;
    for (int i = 0; i < 200000; i++) {
        if (caps->used < 3) /* keep something to copy, move and revoke */
            cap_insert_apply(caps, cap_free_slot(caps), &objects[i % 3], RIGHT_ALL, 0);
        uint64_t choice = fuzz_next() % 8; /* a third of the calls are capability calls */
        uint64_t number = choice == 0   ? fuzz_next()
                          : choice < 4 ? 10 + fuzz_next() % 6
                                       : fuzz_next() % 52;
        struct syscall_arguments call = {number, {0}};
        for (int a = 0; a < SYSCALL_ARGUMENTS_MAX; a++)
            call.argument[a] = fuzz_argument(buffer, sizeof buffer);
        memset(&fake_audited, 0, sizeof fake_audited);
        int64_t result = syscall_dispatch(&call);
        bool known = result >= -ERROR_NOT_CONTIGUOUS;
        bool audit_ok = fake_audited.count == 0 || (fake_audited.count == 1 && fake_audited.error == result);
        if (!known || !audit_ok || fake_interrupts_depth != 0 || !cap_table_check(caps)) {
            printf("FAIL %s: call %d (number %llu) returned %lld, %u audit records\n", name, i,
                   (unsigned long long)number, (long long)result, fake_audited.count);
            failures++;
            return;
        }
        succeeded += result >= 0;
        denied += fake_audited.count;
    }
    caller.caps = saved;
    cap_table_destroy(caps);
    EXPECT(name, objects[0].references == 1 && objects[1].references == 1);
    EXPECT(name, objects[2].references == 1);
    EXPECT(name, succeeded > 1000 && denied > 1000);
    printf("PASS %s (%u succeeded, %u denied and audited)\n", name, succeeded, denied);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    fake_process_current = &caller;
    static struct object console, endpoint;
    object_init(&console, OBJECT_CONSOLE);
    object_init(&endpoint, OBJECT_ENDPOINT);
    caller.caps = cap_table_create(8);
    test_error_messages();
    test_unknown_numbers();
    test_console_checks(&console, &endpoint);
    test_second_slot();
    test_register_calls_need_no_dispatch();
    test_cap_calls();
    test_every_call_without_capabilities();
    test_random_calls();
    cap_table_destroy(caller.caps);
    if (console.references != 1 || endpoint.references != 1) {
        printf("FAIL dispatcher test: references left behind\n");
        failures++;
    }
    return failures ? 1 : 0;
}
