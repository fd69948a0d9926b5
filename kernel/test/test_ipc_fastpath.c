/* In-kernel tests of the IPC fast path (kernel/ipc/fastpath.c, docs/ipc.md)
 * through the kernel-level API, with kernel threads and capability tables
 * built by hand: the common case taken (ipc_fastpath_counts), the register
 * message intact, the badge of each caller delivered, and each case that
 * must fall back -- no receiver waiting, a capability transferred, a long
 * message, a reply too long or carrying a capability -- handled by the
 * general path with its semantics. The ring-3 tests (register calls
 * through the system calls, FPU state, the callee killed mid-call) are in
 * test_ipc_user.c. */
#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/ipc/ipc.h"
#include "kernel/sched/thread.h"
#include "kernel/test/test.h"

#include <stddef.h>

#define TABLE_SLOTS 16
#define ENDPOINT_SLOT 0
#define REPLY_SLOT 1
#define SPARE_SLOT 2 /* a capability a general caller tries to transfer */
#define BADGES 2

/* The server's endpoint in slot 0 of `server`; in each client table a
 * badged copy with write and grant. */
struct fast_tables {
    struct cap_table *server;
    struct cap_table *client[BADGES];
};

static bool fast_tables_make(struct fast_tables *tables)
{
    tables->server = cap_table_create(TABLE_SLOTS);
    TEST_REQUIRE(tables->server, "cap_table_create failed");
    int error = endpoint_create(NULL, tables->server, ENDPOINT_SLOT);
    for (int i = 0; i < BADGES && !error; i++) {
        tables->client[i] = cap_table_create(TABLE_SLOTS);
        if (!tables->client[i])
            break;
        bool was_enabled = interrupts_save();
        error = cap_mint_check(tables->server, ENDPOINT_SLOT, tables->client[i], ENDPOINT_SLOT,
                               0xb0 + i);
        if (!error)
            cap_mint_apply(tables->server, ENDPOINT_SLOT, tables->client[i], ENDPOINT_SLOT,
                           RIGHT_WRITE | RIGHT_GRANT, 0xb0 + i);
        if (!error)
            error = cap_copy_check(tables->server, ENDPOINT_SLOT, tables->client[i], SPARE_SLOT);
        if (!error)
            cap_copy_apply(tables->server, ENDPOINT_SLOT, tables->client[i], SPARE_SLOT,
                           RIGHT_READ);
        interrupts_restore(was_enabled);
    }
    TEST_REQUIRE(!error && tables->client[BADGES - 1], "making the tables: error %d", error);
    return true;
}

static void fast_tables_destroy(struct fast_tables *tables)
{
    for (int i = 0; i < BADGES; i++)
        if (tables->client[i])
            cap_table_destroy(tables->client[i]);
    if (tables->server)
        cap_table_destroy(tables->server);
}

/* The register echo server: answers label + 1 and every word + 1, and
 * records what it received, until a call labelled 0 (answered through
 * ipc_reply with an empty message). */
struct register_server {
    struct cap_table *caps;
    struct ipc_registers last; /* the last message received */
    uint64_t badges[16];
    uint32_t received;
    int result;
};

static void register_server_main(void *argument)
{
    struct register_server *server = argument;
    struct ipc_registers message = { 0 };
    int error;
    for (;;) {
        error = ipc_reply_receive_registers(server->caps, REPLY_SLOT, ENDPOINT_SLOT, &message);
        if (error)
            break;
        server->last = message;
        server->badges[server->received++ % 16] = message.badge;
        if (message.label == 0)
            break;
        message.label++;
        for (int i = 0; i < IPC_REGISTER_WORDS; i++)
            message.word[i]++;
    }
    if (!error) {
        struct nonos_message empty = { .capability = CAP_SLOT_NONE };
        struct ipc_buffer buffer = ipc_buffer_kernel(&empty);
        error = ipc_reply(server->caps, REPLY_SLOT, &buffer);
    }
    server->result = error;
}

static bool blocked(struct thread *thread)
{
    for (int i = 0; i < 100 && thread_state(thread) != THREAD_BLOCKED; i++)
        thread_yield();
    return thread_state(thread) == THREAD_BLOCKED;
}

/* One register call with words seed .. seed + 3; the echo's answer is
 * checked. */
static bool echo_call(struct cap_table *caps, uint64_t label, uint64_t seed)
{
    struct ipc_registers message = { .label = label, .word = { seed, seed + 1, seed + 2, seed + 3 } };
    int error = ipc_call_registers(caps, ENDPOINT_SLOT, &message);
    TEST_REQUIRE(!error, "ipc_call_registers: error %d", error);
    TEST_REQUIRE(message.label == label + 1 && message.length == IPC_REGISTER_BYTES &&
                     message.badge == 0,
                 "answer label %lu (expected %lu), length %u, badge %lu", message.label,
                 label + 1, message.length, message.badge);
    for (int i = 0; i < IPC_REGISTER_WORDS; i++)
        TEST_REQUIRE(message.word[i] == seed + i + 1, "answer word %d: %lu (expected %lu)", i,
                     message.word[i], seed + i + 1);
    return true;
}

static bool echo_stop(struct fast_tables *tables, struct thread *thread,
                      struct register_server *server)
{
    struct ipc_registers stop = { .label = 0 };
    int error = ipc_call_registers(tables->client[0], ENDPOINT_SLOT, &stop);
    thread_join(thread);
    TEST_REQUIRE(!error && server->result == 0 && stop.length == 0,
                 "stopping the server: call %d, server %d, answer length %u", error,
                 server->result, stop.length);
    return true;
}

static bool common_case_checks(struct fast_tables *tables, struct register_server *server)
{
    struct thread *thread = thread_create("ipc-fast-echo", register_server_main, server);
    TEST_REQUIRE(thread && blocked(thread), "the register server did not block");
    struct ipc_fastpath_counts before = ipc_fastpath_counts;
    for (uint64_t i = 1; i <= 10; i++)
        if (!echo_call(tables->client[i % BADGES], i, 1000 * i))
            return false;
    struct ipc_fastpath_counts after = ipc_fastpath_counts;
    /* The first call finds the server in its first, general receive. */
    TEST_REQUIRE(after.calls - before.calls == 9 && after.call_fallbacks - before.call_fallbacks == 1,
                 "10 calls: %lu fast, %lu general (expected 9 and 1)", after.calls - before.calls,
                 after.call_fallbacks - before.call_fallbacks);
    TEST_REQUIRE(after.replies - before.replies == 10 && after.reply_fallbacks == before.reply_fallbacks,
                 "10 answers: %lu fast, %lu general (expected 10 and 0)",
                 after.replies - before.replies, after.reply_fallbacks - before.reply_fallbacks);
    for (uint32_t i = 0; i < 10; i++)
        TEST_REQUIRE(server->badges[i] == 0xb0 + (i + 1) % BADGES,
                     "call %u arrived with badge 0x%lx (expected 0x%x)", i + 1,
                     server->badges[i], 0xb0 + (i + 1) % BADGES);
    return echo_stop(tables, thread, server);
}

/* Calls from two differently badged capabilities, alternating: every one
 * but the first takes the fast path, every answer too, and the server
 * sees each caller's own badge. */
static bool test_ipc_fast_path_common_case(void)
{
    static struct register_server server;
    struct fast_tables tables = { 0 };
    bool ok = fast_tables_make(&tables);
    if (ok) {
        server = (struct register_server){ .caps = tables.server, .result = -1 };
        ok = common_case_checks(&tables, &server);
    }
    fast_tables_destroy(&tables);
    return ok;
}

/* A register call made while nobody waits: it falls back and queues. */
struct early_caller {
    struct cap_table *caps;
    bool ok;
};

static void early_caller_main(void *argument)
{
    struct early_caller *caller = argument;
    caller->ok = echo_call(caller->caps, 40, 4000);
}

/* A general call (kernel buffer) with `length` data bytes, maybe
 * transferring SPARE_SLOT. */
static int general_call(struct cap_table *caps, struct nonos_message *message, uint32_t length,
                        bool transfer)
{
    message->label = 70;
    message->length = length;
    message->capability = transfer ? SPARE_SLOT : CAP_SLOT_NONE;
    for (uint32_t i = 0; i < length; i++)
        message->data[i] = (uint8_t)(i + 1);
    struct ipc_buffer buffer = ipc_buffer_kernel(message);
    return ipc_call(caps, ENDPOINT_SLOT, &buffer, CAP_SLOT_NONE);
}

static bool fallback_general_sender_checks(struct fast_tables *tables,
                                           struct register_server *server)
{
    static struct nonos_message message;
    struct ipc_fastpath_counts before = ipc_fastpath_counts;
    int error = general_call(tables->client[0], &message, 0, true);
    TEST_REQUIRE(error == ERROR_DENIED, "a capability sent to a register receiver: %d "
                 "(expected DENIED)", error);
    error = general_call(tables->client[0], &message, 100, false);
    TEST_REQUIRE(error == ERROR_TOO_LARGE, "100 bytes sent to a register receiver: %d "
                 "(expected TOO_LARGE)", error);
    error = general_call(tables->client[0], &message, 12, false);
    TEST_REQUIRE(!error, "12 bytes to a register receiver: %d", error);
    uint64_t word0 = 0x0807060504030201ull, word1 = 0x0c0b0a09ull;
    TEST_REQUIRE(server->last.length == 12 && server->last.label == 70 &&
                     server->last.word[0] == word0 && server->last.word[1] == word1 &&
                     server->last.word[2] == 0 && server->last.word[3] == 0,
                 "the server got length %u, words 0x%lx 0x%lx 0x%lx 0x%lx", server->last.length,
                 server->last.word[0], server->last.word[1], server->last.word[2],
                 server->last.word[3]);
    /* The fast answer to a general caller: its kernel copy, 32 bytes. */
    const uint64_t *words = (const uint64_t *)(const void *)message.data;
    TEST_REQUIRE(message.label == 71 && message.length == 32 && words[0] == word0 + 1 &&
                     words[1] == word1 + 1 && words[2] == 1 && words[3] == 1 &&
                     message.capability == CAP_SLOT_NONE,
                 "the general caller's answer: label %lu, length %u", message.label,
                 message.length);
    struct ipc_fastpath_counts after = ipc_fastpath_counts;
    TEST_REQUIRE(after.calls == before.calls && after.replies - before.replies == 1,
                 "general calls counted as fast: %lu calls, %lu answers",
                 after.calls - before.calls, after.replies - before.replies);
    /* After the refusals the server waited in the general path; having
     * answered the 12-byte call by the fast path, it waits there again. */
    TEST_REQUIRE(echo_call(tables->client[1], 80, 8000), "the register call after the refusals");
    TEST_REQUIRE(ipc_fastpath_counts.calls - after.calls == 1,
                 "the call after the refusals did not take the fast path");
    return true;
}

static bool fallback_checks(struct fast_tables *tables, struct register_server *server)
{
    static struct early_caller early;
    early = (struct early_caller){ tables->client[1], false };
    uint64_t fallbacks = ipc_fastpath_counts.call_fallbacks;
    struct thread *caller = thread_create("ipc-early-caller", early_caller_main, &early);
    TEST_REQUIRE(caller && blocked(caller), "the early caller did not queue");
    TEST_REQUIRE(ipc_fastpath_counts.call_fallbacks - fallbacks == 1,
                 "a call with no receiver waiting did not fall back");
    struct thread *thread = thread_create("ipc-fast-echo", register_server_main, server);
    TEST_REQUIRE(thread, "thread_create failed");
    thread_join(caller);
    TEST_REQUIRE(early.ok, "the early caller's answer was wrong");
    TEST_REQUIRE(blocked(thread), "the server did not wait again");
    return fallback_general_sender_checks(tables, server) && echo_stop(tables, thread, server);
}

/* Each case outside the fast path's -- no receiver waiting, a capability
 * transferred, a message longer than the registers -- takes the general
 * path and gets its semantics: queued, DENIED, TOO_LARGE, a short general
 * message zero-padded; then the fast path again. */
static bool test_ipc_fast_path_fallbacks(void)
{
    static struct register_server server;
    struct fast_tables tables = { 0 };
    bool ok = fast_tables_make(&tables);
    if (ok) {
        server = (struct register_server){ .caps = tables.server, .result = -1 };
        ok = fallback_checks(&tables, &server);
    }
    fast_tables_destroy(&tables);
    return ok;
}

/* A register caller answered by the general ipc_reply. */
struct register_caller {
    struct cap_table *caps;
    struct ipc_registers message;
    int result;
};

static void register_caller_main(void *argument)
{
    struct register_caller *caller = argument;
    caller->result = ipc_call_registers(caller->caps, ENDPOINT_SLOT, &caller->message);
}

static bool general_reply_checks(struct fast_tables *tables, struct register_caller *caller)
{
    struct thread *thread = thread_create("ipc-register-caller", register_caller_main, caller);
    TEST_REQUIRE(thread && blocked(thread), "the register caller did not queue");
    static struct nonos_message message;
    struct ipc_buffer buffer = ipc_buffer_kernel(&message);
    int error = ipc_receive(tables->server, ENDPOINT_SLOT, &buffer, REPLY_SLOT, CAP_SLOT_NONE);
    TEST_REQUIRE(!error && message.label == 5 && message.length == 32 && message.badge == 0xb0,
                 "receive %d: label %lu, length %u, badge 0x%lx", error, message.label,
                 message.length, message.badge);
    message.length = 100;
    message.capability = CAP_SLOT_NONE;
    error = ipc_reply(tables->server, REPLY_SLOT, &buffer);
    TEST_REQUIRE(error == ERROR_TOO_LARGE, "a 100-byte reply to a register caller: %d "
                 "(expected TOO_LARGE)", error);
    message.length = 8;
    message.capability = ENDPOINT_SLOT;
    error = ipc_reply(tables->server, REPLY_SLOT, &buffer);
    TEST_REQUIRE(error == ERROR_DENIED, "a reply with a capability to a register caller: %d "
                 "(expected DENIED)", error);
    message.label = 6;
    message.capability = CAP_SLOT_NONE;
    message.length = 3; /* the first 3 bytes of word 0 */
    error = ipc_reply(tables->server, REPLY_SLOT, &buffer);
    thread_join(thread);
    TEST_REQUIRE(!error && caller->result == 0, "reply %d, caller %d", error, caller->result);
    TEST_REQUIRE(caller->message.label == 6 && caller->message.length == 3 &&
                     caller->message.word[0] == (0x11223344ull & 0xffffff) &&
                     caller->message.word[1] == 0 && caller->message.word[2] == 0 &&
                     caller->message.word[3] == 0,
                 "the caller got label %lu, length %u, words 0x%lx 0x%lx 0x%lx 0x%lx",
                 caller->message.label, caller->message.length, caller->message.word[0],
                 caller->message.word[1], caller->message.word[2], caller->message.word[3]);
    return true;
}

/* A register call answered by the general ipc_reply: a reply longer than
 * the registers is refused (TOO_LARGE), so is one with a capability
 * (DENIED), and a short one arrives zero-padded, no stale bytes. */
static bool test_ipc_fast_path_general_reply(void)
{
    static struct register_caller caller;
    struct fast_tables tables = { 0 };
    bool ok = fast_tables_make(&tables);
    if (ok) {
        caller = (struct register_caller){
            .caps = tables.client[0],
            .message = { .label = 5, .word = { 0x11223344, ~0ull, ~0ull, ~0ull } },
            .result = -1,
        };
        ok = general_reply_checks(&tables, &caller);
    }
    fast_tables_destroy(&tables);
    return ok;
}

static const struct test_case ipc_fastpath_cases[] = {
    { "ipc_fast_path_common_case", test_ipc_fast_path_common_case },
    { "ipc_fast_path_fallbacks", test_ipc_fast_path_fallbacks },
    { "ipc_fast_path_general_reply", test_ipc_fast_path_general_reply },
};
TEST_TABLE(ipc_fastpath_cases);
