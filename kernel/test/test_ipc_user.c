/* In-kernel test of IPC between two ring-3 processes through the system
 * calls (kernel/ipc/ipc_syscalls.c): an echo server (ipc_receive, then
 * ipc_reply_receive forever, adding 1 to each label) and a client calling
 * it N times with 8 data bytes and checking every answer, in two address
 * spaces. The endpoint is created for the server (charged to it) and a
 * write-only copy given to the client. Two runs of different N give the
 * cost of one call+reply round trip, entry and exit of both system calls
 * included (logged; make bench-ipc-kernel reads it under -icount). */
#include "base/bytes.h"
#include "kernel/arch/cpu.h"
#include "kernel/arch/interrupt.h"
#include "kernel/cap/capability.h"
#include "kernel/error.h"
#include "kernel/ipc/ipc.h"
#include "kernel/lib/print.h"
#include "kernel/proc/process_internal.h"
#include "kernel/sched/thread.h"
#include "kernel/test/test.h"
#include "kernel/test/test_payload.h"

#define ENDPOINT_SLOT 8
#define CLIENT_COUNT_OFFSET 25 /* the 32-bit immediate of `mov $N, %r12d` */

/* sub $288,%rsp; label 8 bytes, capability NONE; r12d = N; r13 = 0;
 * 1: label = ++r13; ipc_call(8, rsp, NONE); exit(1) unless it returned 0
 * with label r13 + 1; loop N times; exit(0). */
static const uint8_t client_code[] = {
    0x48, 0x81, 0xec, 0x20, 0x01, 0x00, 0x00, 0xc7, 0x44, 0x24, 0x10, 0x08, 0x00, 0x00, 0x00,
    0xc7, 0x44, 0x24, 0x14, 0xff, 0xff, 0xff, 0xff, 0x41, 0xbc, 0x44, 0x33, 0x22, 0x11, 0x45,
    0x31, 0xed, 0x49, 0xff, 0xc5, 0x4c, 0x89, 0x2c, 0x24, 0xb8, 0x21, 0x00, 0x00, 0x00, 0xbf,
    0x08, 0x00, 0x00, 0x00, 0x48, 0x89, 0xe6, 0xba, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x05, 0x48,
    0x85, 0xc0, 0x75, 0x18, 0x48, 0x8b, 0x04, 0x24, 0x49, 0x8d, 0x4d, 0x01, 0x48, 0x39, 0xc8,
    0x75, 0x0b, 0x41, 0xff, 0xcc, 0x75, 0xce, 0x31, 0xff, 0x31, 0xc0, 0x0f, 0x05, 0xbf, 0x01,
    0x00, 0x00, 0x00, 0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b,
};

/* sub $288,%rsp; ipc_receive(8, rsp, reply 9, NONE); 1: exit(2) on an
 * error; label++; ipc_reply_receive(9, rsp, 8, NONE); jmp 1. */
static const uint8_t server_code[] = {
    0x48, 0x81, 0xec, 0x20, 0x01, 0x00, 0x00, 0xb8, 0x22, 0x00, 0x00, 0x00, 0xbf, 0x08, 0x00,
    0x00, 0x00, 0x48, 0x89, 0xe6, 0xba, 0x09, 0x00, 0x00, 0x00, 0x41, 0xba, 0xff, 0xff, 0xff,
    0xff, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x75, 0x20, 0x48, 0xff, 0x04, 0x24, 0xb8, 0x24, 0x00,
    0x00, 0x00, 0xbf, 0x09, 0x00, 0x00, 0x00, 0x48, 0x89, 0xe6, 0xba, 0x08, 0x00, 0x00, 0x00,
    0x41, 0xba, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x05, 0xeb, 0xdb, 0xbf, 0x02, 0x00, 0x00, 0x00,
    0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b,
};

static int process_load(const char *name, const uint8_t *code, size_t length, uint8_t *elf,
                        struct process **out)
{
    struct manifest *manifest = manifest_make(name, 10000000);
    if (!manifest)
        return ERROR_NO_MEMORY;
    size_t elf_length = payload_build(elf, code, length);
    return process_create_payload(TEST_CAPSULE_INDEX, bytes_make(elf, elf_length), manifest, out);
}

/* The endpoint in the server's slot 8 (charged to it), a write-only copy
 * in the client's. */
static int endpoint_share(struct process *server, struct process *client)
{
    int error = endpoint_create(server, process_caps(server), ENDPOINT_SLOT);
    bool was_enabled = interrupts_save();
    if (!error)
        error = cap_copy_check(process_caps(server), ENDPOINT_SLOT, process_caps(client),
                               ENDPOINT_SLOT);
    if (!error)
        cap_copy_apply(process_caps(server), ENDPOINT_SLOT, process_caps(client), ENDPOINT_SLOT,
                       RIGHT_WRITE);
    interrupts_restore(was_enabled);
    return error;
}

/* A client and a server program; the client's loop count is the 32-bit
 * immediate at count_offset (NO_COUNT: none). */
#define NO_COUNT ((size_t)-1)
struct program_pair {
    const char *client_name, *server_name;
    const uint8_t *client, *server;
    size_t client_length, server_length, count_offset;
};

static const struct program_pair echo_pair = {
    "ipc-client", "ipc-echo", client_code, server_code, sizeof client_code, sizeof server_code,
    CLIENT_COUNT_OFFSET,
};

/* Loads both (endpoint shared, the server started first) and starts the
 * client; *server and *client are NULL when a load failed. */
static int pair_start(const struct program_pair *pair, uint32_t calls, struct process **server,
                      struct process **client, uint64_t *client_start)
{
    static uint8_t server_elf[PAYLOAD_MAX], client_elf[PAYLOAD_MAX];
    static uint8_t code[PAYLOAD_MAX];
    for (size_t i = 0; i < pair->client_length; i++)
        code[i] = pair->client[i];
    for (int i = 0; pair->count_offset != NO_COUNT && i < 4; i++)
        code[pair->count_offset + i] = (uint8_t)(calls >> (8 * i));
    *server = *client = NULL;
    int error = process_load(pair->server_name, pair->server, pair->server_length, server_elf,
                             server);
    if (!error)
        error = process_load(pair->client_name, code, pair->client_length, client_elf, client);
    if (!error)
        error = endpoint_share(*server, *client);
    if (!error)
        error = process_start(*server);
    *client_start = cpu_cycles();
    if (!error)
        error = process_start(*client);
    return error;
}

static void process_end_now(struct process *process, const char *why)
{
    if (process) {
        process_kill(process, PROCESS_END_KILLED, why);
        process_wait_end(process);
    }
}

/* One run of `calls` round trips; *cycles from the client's start to its end. */
static bool pair_run(const struct program_pair *pair, uint32_t calls, uint64_t *cycles)
{
    struct process *server, *client;
    uint64_t start;
    int error = pair_start(pair, calls, &server, &client, &start);
    if (!error)
        process_wait_end(client);
    *cycles = cpu_cycles() - start;
    bool server_alive = server && !server->killed;
    process_end_now(server, "test: echo server done");
    if (error)
        process_end_now(client, "test: start failed");
    TEST_REQUIRE(!error, "setting up the two processes: %s", kernel_error_message(error));
    TEST_REQUIRE(client->end == PROCESS_END_EXIT && client->exit_status == 0,
                 "the client ended with %s, status %ld (1: a call failed or a wrong answer; "
                 "3: its FPU/SSE register changed)",
                 process_end_name(client->end), client->exit_status);
    TEST_REQUIRE(server_alive, "the echo server ended early (status %ld)",
                 server ? server->exit_status : -1);
    return true;
}

static bool test_ipc_ring3_echo_between_processes(void)
{
    uint64_t short_run, long_run;
    if (!pair_run(&echo_pair, 200, &short_run) || !pair_run(&echo_pair, 1200, &long_run))
        return false;
    TEST_REQUIRE(long_run > short_run, "1200 calls took %lu cycles, 200 took %lu", long_run,
                 short_run);
    kprintf("ipc: ring-3 call+reply round trip between two processes, 8 data bytes: %lu tsc "
            "(1200 - 200 calls)\n",
            (long_run - short_run) / 1000);
    return true;
}

/* The register calls (62, 63). Client: xmm0 = a marker; r12d = N; r13 =
 * 0; 1: r13++; ipc_call_registers(8, label r13, words r13 .. r13 + 3);
 * exit(1) unless it returned length 32, badge 0, label r13 + 1 and words
 * r13 + 1 .. r13 + 4; loop N times; exit(3) if xmm0 lost the marker;
 * exit(0). */
#define REGISTER_CLIENT_COUNT_OFFSET 17
static const uint8_t register_client_code[] = {
    0x48, 0xbb, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0x66, 0x48, 0x0f, 0x6e, 0xc3,
    0x41, 0xbc, 0x44, 0x33, 0x22, 0x11, 0x45, 0x31, 0xed, 0x49, 0xff, 0xc5, 0xb8, 0x3e, 0x00,
    0x00, 0x00, 0xbf, 0x08, 0x00, 0x00, 0x00, 0x4c, 0x89, 0xee, 0x4c, 0x89, 0xea, 0x4d, 0x8d,
    0x55, 0x01, 0x4d, 0x8d, 0x45, 0x02, 0x4d, 0x8d, 0x4d, 0x03, 0x0f, 0x05, 0x48, 0x83, 0xf8,
    0x20, 0x75, 0x43, 0x48, 0x85, 0xff, 0x75, 0x3e, 0x49, 0x8d, 0x4d, 0x01, 0x48, 0x39, 0xce,
    0x75, 0x35, 0x48, 0x39, 0xca, 0x75, 0x30, 0x49, 0x8d, 0x4d, 0x02, 0x49, 0x39, 0xca, 0x75,
    0x27, 0x49, 0x8d, 0x4d, 0x03, 0x49, 0x39, 0xc8, 0x75, 0x1e, 0x49, 0x8d, 0x4d, 0x04, 0x49,
    0x39, 0xc9, 0x75, 0x15, 0x41, 0xff, 0xcc, 0x75, 0xa6, 0x66, 0x48, 0x0f, 0x7e, 0xc0, 0x48,
    0x39, 0xd8, 0x75, 0x0f, 0x31, 0xff, 0x31, 0xc0, 0x0f, 0x05, 0xbf, 0x01, 0x00, 0x00, 0x00,
    0x31, 0xc0, 0x0f, 0x05, 0xbf, 0x03, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b,
};

/* Server: rbx = endpoint 8 | reply 9 << 32; label 0; 1:
 * ipc_reply_receive_registers(rbx, label, words) -- the first with an empty
 * reply slot, so it only receives; exit(2) on an error; xmm0 = the label
 * (clobbering the client's marker if FPU state leaked); label and every
 * word + 1; jmp 1. */
static const uint8_t register_server_code[] = {
    0x48, 0xbb, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0x31, 0xf6, 0xb8, 0x3f, 0x00,
    0x00, 0x00, 0x48, 0x89, 0xdf, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x78, 0x16, 0x66, 0x48, 0x0f,
    0x6e, 0xc6, 0x48, 0xff, 0xc6, 0x48, 0xff, 0xc2, 0x49, 0xff, 0xc2, 0x49, 0xff, 0xc0, 0x49,
    0xff, 0xc1, 0xeb, 0xdb, 0xbf, 0x02, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b,
};

static const struct program_pair register_pair = {
    "ipc-register-client", "ipc-register-echo", register_client_code, register_server_code,
    sizeof register_client_code, sizeof register_server_code, REGISTER_CLIENT_COUNT_OFFSET,
};

/* N calls: the first two halves fall back (the server's first
 * reply_receive has nothing to answer and waits in the general path, so
 * the first call finds no fast receiver); every other call and reply
 * takes the fast path. */
static bool register_run(uint32_t calls, uint64_t *cycles)
{
    struct ipc_fastpath_counts before = ipc_fastpath_counts;
    if (!pair_run(&register_pair, calls, cycles))
        return false;
    struct ipc_fastpath_counts after = ipc_fastpath_counts;
    TEST_REQUIRE(after.calls - before.calls == calls - 1 &&
                     after.call_fallbacks - before.call_fallbacks == 1,
                 "%u calls: %lu fast, %lu general (expected %u and 1)", calls,
                 after.calls - before.calls, after.call_fallbacks - before.call_fallbacks,
                 calls - 1);
    TEST_REQUIRE(after.replies - before.replies == calls &&
                     after.reply_fallbacks - before.reply_fallbacks == 1,
                 "%u calls: %lu fast replies, %lu general (expected %u and 1)", calls,
                 after.replies - before.replies, after.reply_fallbacks - before.reply_fallbacks,
                 calls);
    return true;
}

static bool test_ipc_ring3_register_fast_path(void)
{
    uint64_t short_run, long_run;
    if (!register_run(200, &short_run) || !register_run(1200, &long_run))
        return false;
    TEST_REQUIRE(long_run > short_run, "1200 calls took %lu cycles, 200 took %lu", long_run,
                 short_run);
    kprintf("ipc: ring-3 register call+reply round trip between two processes, fast path, "
            "32 data bytes: %lu tsc (1200 - 200 calls)\n",
            (long_run - short_run) / 1000);
    return true;
}

/* The callee killed mid-call. Client: ipc_call_registers(8, label 1),
 * exit(1) unless it returned 32; ipc_call_registers(8, label 2); exit with
 * its result. Server: reply_receive_registers in a loop until it receives
 * label 2, then spins without answering. */
static const uint8_t kill_client_code[] = {
    0xb8, 0x3e, 0x00, 0x00, 0x00, 0xbf, 0x08, 0x00, 0x00, 0x00, 0xbe, 0x01, 0x00, 0x00, 0x00,
    0x0f, 0x05, 0x48, 0x83, 0xf8, 0x20, 0x75, 0x18, 0xb8, 0x3e, 0x00, 0x00, 0x00, 0xbf, 0x08,
    0x00, 0x00, 0x00, 0xbe, 0x02, 0x00, 0x00, 0x00, 0x0f, 0x05, 0x48, 0x89, 0xc7, 0x31, 0xc0,
    0x0f, 0x05, 0xbf, 0x01, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x0f, 0x05, 0x0f, 0x0b,
};

static const uint8_t kill_server_code[] = {
    0x48, 0xbb, 0x08, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00, 0xb8, 0x3f, 0x00, 0x00, 0x00,
    0x48, 0x89, 0xdf, 0x0f, 0x05, 0x48, 0x85, 0xc0, 0x78, 0x0a, 0x48, 0x83, 0xfe, 0x02, 0x75,
    0xeb, 0xf3, 0x90, 0xeb, 0xfc, 0xbf, 0x02, 0x00, 0x00, 0x00, 0x31, 0xc0, 0x0f, 0x05, 0x0f,
    0x0b,
};

/* The second call went by the fast path to a server that never answers;
 * killing the server wakes the client with OBJECT_GONE. */
static bool test_ipc_ring3_fast_path_callee_killed(void)
{
    static const struct program_pair pair = {
        "ipc-kill-client", "ipc-kill-server", kill_client_code, kill_server_code,
        sizeof kill_client_code, sizeof kill_server_code, NO_COUNT,
    };
    struct ipc_fastpath_counts before = ipc_fastpath_counts;
    struct process *server, *client;
    uint64_t start;
    int error = pair_start(&pair, 0, &server, &client, &start);
    for (int i = 0; !error && i < 2000 && ipc_fastpath_counts.calls == before.calls; i++)
        thread_sleep_ms(1);
    bool fast = ipc_fastpath_counts.calls - before.calls == 1;
    bool client_waited = client && !client->finished;
    process_end_now(server, "test: the callee killed mid-call");
    if (client && !error)
        process_wait_end(client);
    if (error)
        process_end_now(client, "test: start failed");
    TEST_REQUIRE(!error, "setting up the two processes: %s", kernel_error_message(error));
    TEST_REQUIRE(fast, "the second call did not take the fast path");
    TEST_REQUIRE(client_waited, "the client ended before its server was killed");
    TEST_REQUIRE(client->end == PROCESS_END_EXIT && client->exit_status == -ERROR_OBJECT_GONE,
                 "the client ended with %s, status %ld (expected -%d, OBJECT_GONE)",
                 process_end_name(client->end), client->exit_status, ERROR_OBJECT_GONE);
    return true;
}

static const struct test_case ipc_user_cases[] = {
    { "ipc_ring3_echo_between_processes", test_ipc_ring3_echo_between_processes },
    { "ipc_ring3_register_fast_path", test_ipc_ring3_register_fast_path },
    { "ipc_ring3_fast_path_callee_killed", test_ipc_ring3_fast_path_callee_killed },
};
TEST_TABLE(ipc_user_cases);
