/* bench-ipc-client: the NØNOS half of `make bench-ipc`
 * (tests/qemu/bench-ipc.sh). Under QEMU -icount shift=0,sleep=off the TSC
 * counts retired instructions; this capsule measures, the way
 * tests/bench/ipc/linux_init.c measures Linux (bench_measure.h):
 *   - null: the `syscall` instruction with rax = 4 (call `null`), per call;
 *   - ipc_round_trip: ipc_call on the endpoint of bench-ipc-server, another
 *     capsule in its own address space, which answers with
 *     ipc_reply_receive; per call + reply;
 *   - ipc_register_round_trip: the same with register messages
 *     (ipc_call_registers, answered by ipc_reply_receive_registers: the IPC
 *     fast path), per call + reply;
 * and prints "bench-ipc nonos: ..." lines through its console capability.
 * It finds the server through the name service, asking again (after a
 * yield) while the server has not registered yet.
 * bench-ipc.sh stages bench_measure.h and bench_protocol.h next to this file
 * before building. */
#include <nonos/abi.h>
#include <nonos/capsule.h>
#include <nonos/error.h>
#include <nonos/ipc_registers.h>
#include <nonos/names.h>
#include <nonos/syscall.h>

#include "bench_measure.h"
#include "bench_protocol.h"

#define NULL_CALLS 20000
#define ROUND_TRIPS 5000
#define LOOKUP_ATTEMPTS 10000

static void bench_print(const char *text, uint64_t length)
{
    nonos_console_write(NONOS_SLOT_CONSOLE, text, length);
}

/* The two loops differ only by the `syscall` instruction. */
static uint64_t null_loop(int unused0, int unused1, uint64_t count)
{
    (void)unused0, (void)unused1;
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        long number = NONOS_SYSCALL_NULL;
        __asm__ volatile("syscall" : "+a"(number) : : "rcx", "r11", "memory");
    }
    return bench_tsc() - start;
}

static uint64_t empty_loop(int unused0, int unused1, uint64_t count)
{
    (void)unused0, (void)unused1;
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        long number = NONOS_SYSCALL_NULL;
        __asm__ volatile("" : "+a"(number) : : "rcx", "r11", "memory");
    }
    return bench_tsc() - start;
}

static struct nonos_message ping = {.label = BENCH_LABEL_PING, .capability = NONOS_SLOT_NONE};

static uint64_t call_loop(int endpoint, int unused, uint64_t count)
{
    (void)unused;
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        ping.label = BENCH_LABEL_PING;
        ping.length = 0;
        nonos_ipc_call((uint32_t)endpoint, &ping, NONOS_SLOT_NONE);
    }
    return bench_tsc() - start;
}

static uint64_t call_empty_loop(int endpoint, int unused, uint64_t count)
{
    (void)unused;
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        ping.label = BENCH_LABEL_PING;
        ping.length = 0;
        __asm__ volatile("" : : "r"(endpoint), "r"(&ping) : "memory");
    }
    return bench_tsc() - start;
}

/* The register call's loops: the same register set-up, with and without
 * the `syscall` (nonos_register_call's). */
static uint64_t register_call_loop(int endpoint, int unused, uint64_t count)
{
    (void)unused;
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        struct nonos_register_message message = {.label = BENCH_LABEL_PING};
        nonos_ipc_call_short((uint32_t)endpoint, &message);
    }
    return bench_tsc() - start;
}

static uint64_t register_empty_loop(int endpoint, int unused, uint64_t count)
{
    (void)unused;
    uint64_t start = bench_tsc();
    for (uint64_t i = 0; i < count; i++) {
        long result;
        register uint64_t rdi __asm__("rdi") = (uint32_t)endpoint;
        register uint64_t rsi __asm__("rsi") = BENCH_LABEL_PING;
        register uint64_t rdx __asm__("rdx") = 0;
        register uint64_t r10 __asm__("r10") = 0;
        register uint64_t r8 __asm__("r8") = 0;
        register uint64_t r9 __asm__("r9") = 0;
        __asm__ volatile(""
                         : "=a"(result), "+r"(rdi), "+r"(rsi), "+r"(rdx), "+r"(r10), "+r"(r8),
                           "+r"(r9)
                         : "a"((long)NONOS_SYSCALL_IPC_CALL_REGISTERS)
                         : "rcx", "r11", "memory");
    }
    return bench_tsc() - start;
}

/* After the memory-message round trips: the server switches to register
 * messages; one checked call, the measurement, then QUIT. */
static int measure_register_ipc(void)
{
    ping.label = BENCH_LABEL_REGISTERS;
    ping.length = 0;
    long status = nonos_ipc_call(BENCH_SLOT_ENDPOINT, &ping, NONOS_SLOT_NONE);
    struct nonos_register_message message = {.label = BENCH_LABEL_PING};
    if (status == 0)
        status = nonos_ipc_call_short(BENCH_SLOT_ENDPOINT, &message);
    if (status < 0) {
        BENCH_PRINT_LITERAL("bench-ipc nonos: FAILED ipc_register_round_trip: a call returned -");
        bench_print_number((uint64_t)-status);
        BENCH_PRINT_LITERAL("\n");
        return 1;
    }
    struct bench_result result = bench_repeat_pair(register_call_loop, register_empty_loop,
                                                   BENCH_SLOT_ENDPOINT, 0, ROUND_TRIPS);
    bench_report("nonos", "ipc_register_round_trip", &result);
    message.label = BENCH_LABEL_QUIT;
    nonos_ipc_call_short(BENCH_SLOT_ENDPOINT, &message);
    return 0;
}

/* Puts the server's endpoint in BENCH_SLOT_ENDPOINT; 0 or -error. The
 * server may not have registered yet (NOT_FOUND): ask again after a yield. */
static long client_find_server(void)
{
    long status = -NONOS_ERROR_NOT_FOUND;
    for (int attempt = 0; attempt < LOOKUP_ATTEMPTS && status == -NONOS_ERROR_NOT_FOUND; attempt++) {
        if (attempt > 0)
            nonos_yield();
        status = nonos_names_lookup(BENCH_SERVICE, BENCH_SERVICE_LENGTH, BENCH_SLOT_ENDPOINT);
    }
    return status;
}

static int measure_ipc(void)
{
    long status = client_find_server();
    if (status != 0) {
        BENCH_PRINT_LITERAL("bench-ipc nonos: FAILED ipc_round_trip: no endpoint for \""
                            BENCH_SERVICE "\" from the name service (error ");
        bench_print_number((uint64_t)-status);
        BENCH_PRINT_LITERAL(": ");
        bench_print_text(nonos_error_message(-status));
        BENCH_PRINT_LITERAL(")\n");
        return 1;
    }
    /* One call first: it must succeed, and it pages everything in. */
    status = nonos_ipc_call(BENCH_SLOT_ENDPOINT, &ping, NONOS_SLOT_NONE);
    if (status != 0) {
        BENCH_PRINT_LITERAL("bench-ipc nonos: FAILED ipc_round_trip: ipc_call returned -");
        bench_print_number((uint64_t)-status);
        BENCH_PRINT_LITERAL("\n");
        return 1;
    }
    struct bench_result result = bench_repeat_pair(call_loop, call_empty_loop,
                                                   BENCH_SLOT_ENDPOINT, 0, ROUND_TRIPS);
    bench_report("nonos", "ipc_round_trip", &result);
    return measure_register_ipc();
}

int main(void)
{
    BENCH_PRINT_LITERAL("bench-ipc nonos: start\n");
    long status = nonos_null();
    if (status != 0) {
        BENCH_PRINT_LITERAL("bench-ipc nonos: FAILED null: the call returned an error\n");
    } else {
        struct bench_result result = bench_repeat_pair(null_loop, empty_loop, 0, 0, NULL_CALLS);
        bench_report("nonos", "null", &result);
    }
    int failed = measure_ipc();
    BENCH_PRINT_LITERAL("bench-ipc nonos: done\n");
    return failed || status != 0;
}
