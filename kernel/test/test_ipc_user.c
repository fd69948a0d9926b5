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

/* One run of `calls` round trips; *cycles from the client's start to its end. */
static bool echo_run(uint32_t calls, uint64_t *cycles)
{
    static uint8_t server_elf[PAYLOAD_MAX], client_elf[PAYLOAD_MAX];
    static uint8_t code[sizeof client_code];
    for (size_t i = 0; i < sizeof code; i++)
        code[i] = client_code[i];
    for (int i = 0; i < 4; i++)
        code[CLIENT_COUNT_OFFSET + i] = (uint8_t)(calls >> (8 * i));
    struct process *server = NULL, *client = NULL;
    int error = process_load("ipc-echo", server_code, sizeof server_code, server_elf, &server);
    if (!error)
        error = process_load("ipc-client", code, sizeof code, client_elf, &client);
    if (!error)
        error = endpoint_share(server, client);
    if (!error)
        error = process_start(server);
    uint64_t start = cpu_cycles();
    if (!error)
        error = process_start(client);
    if (!error)
        process_wait_end(client);
    *cycles = cpu_cycles() - start;
    bool server_alive = server && !server->killed;
    if (server) {
        process_kill(server, PROCESS_END_KILLED, "test: echo server done");
        process_wait_end(server);
    }
    if (client && error) {
        process_kill(client, PROCESS_END_KILLED, "test: start failed");
        process_wait_end(client);
    }
    TEST_REQUIRE(!error, "setting up the two processes: %s", kernel_error_message(error));
    TEST_REQUIRE(client->end == PROCESS_END_EXIT && client->exit_status == 0,
                 "the client ended with %s, status %ld (1: a call failed or a wrong answer)",
                 process_end_name(client->end), client->exit_status);
    TEST_REQUIRE(server_alive, "the echo server ended early (status %ld)", server->exit_status);
    return true;
}

static bool test_ipc_ring3_echo_between_processes(void)
{
    uint64_t short_run, long_run;
    if (!echo_run(200, &short_run) || !echo_run(1200, &long_run))
        return false;
    TEST_REQUIRE(long_run > short_run, "1200 calls took %lu cycles, 200 took %lu", long_run,
                 short_run);
    kprintf("ipc: ring-3 call+reply round trip between two processes, 8 data bytes: %lu tsc "
            "(1200 - 200 calls)\n",
            (long_run - short_run) / 1000);
    return true;
}

static const struct test_case ipc_user_cases[] = {
    { "ipc_ring3_echo_between_processes", test_ipc_ring3_echo_between_processes },
};
TEST_TABLE(ipc_user_cases);
