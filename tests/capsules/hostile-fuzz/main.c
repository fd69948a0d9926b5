/* hostile-fuzz: FUZZ_CALLS system calls with random numbers (valid and not)
 * and random arguments: small numbers, any 64-bit value, kernel addresses
 * (image and direct map), unmapped user addresses, addresses of the areas
 * where the kernel puts other processes' stacks and mappings, the address
 * where hostile-companion (running meanwhile) has a page it checks every
 * millisecond -- another process's memory: in this address space it is
 * unmapped, and the companion must see no change --, its own code
 * (read-only: the kernel must refuse to write it), non-canonical
 * addresses, and a scratch buffer of its own. Every answer must be a
 * success (>= 0) or one of the kernel's errors; anything else counts as
 * wrong. The harness then runs the kernel's self-check.
 *
 * Restricted, because they would end the fuzzer or wait forever rather
 * than test anything (docs/kernel.md, "Hostile tests"): exit (0) and
 * thread_exit (6) are never made; timer_sleep (8) sleeps under 1 us;
 * the calls that wait for a peer (ipc_send 32, ipc_call 33, ipc_receive 34,
 * ipc_reply_receive 36, notification_wait 38) get a slot that names
 * nothing (their other arguments stay random). The console capability is
 * deleted first so that random text never reaches the console.
 *
 * Exit status: the number of calls made, or 1 if any answer was wrong. */
#include "hostile.h"

#define FUZZ_CALLS 100000u
#define FUZZ_ERROR_LAST 19 /* BUSY, the kernel's last error value */

static uint8_t scratch[8192] __attribute__((aligned(4096)));

static uint64_t fuzz_argument(uint64_t *state)
{
    uint64_t r = hostile_random(state);
    switch (r % 10) {
    case 0: return (r >> 8) % 72;                                   /* small: slots, counts */
    case 1: return hostile_random(state);                           /* anything */
    case 2: return 0xffffffff80000000ull + ((r >> 8) % (16u << 20)); /* the kernel image */
    case 3: return 0xffff800000000000ull + ((r >> 8) & 0xffffffffffull); /* the direct map */
    case 4: return (r >> 8) % 0x400000u;                            /* below 4 MiB: unmapped */
    case 5: return (1ull << 40) + ((r >> 8) % (126ull << 40));      /* others' map and stack areas */
    case 6: return (uint64_t)(uintptr_t)&main + ((r >> 8) % 4096);  /* its own code */
    case 7: return 0x0000800000000000ull + (r >> 16);               /* non-canonical */
    case 8: return HOSTILE_COMPANION_PAGE + ((r >> 8) % 4096);       /* hostile-companion's page */
    default: return (uint64_t)(uintptr_t)scratch + ((r >> 8) % 4096); /* its own buffer */
    }
}

static uint64_t fuzz_number(uint64_t *state)
{
    for (;;) {
        uint64_t r = hostile_random(state);
        uint64_t number = r % 16 == 0 ? hostile_random(state) : (r >> 4) % 64;
        if (number != NONOS_SYSCALL_EXIT && number != NONOS_SYSCALL_THREAD_EXIT)
            return number;
    }
}

static bool fuzz_waits(uint64_t number)
{
    return number == NONOS_SYSCALL_IPC_SEND || number == NONOS_SYSCALL_IPC_CALL ||
           number == NONOS_SYSCALL_IPC_RECEIVE || number == NONOS_SYSCALL_IPC_REPLY_RECEIVE ||
           number == NONOS_SYSCALL_NOTIFICATION_WAIT ||
           number == NONOS_SYSCALL_IPC_CALL_REGISTERS ||
           number == NONOS_SYSCALL_IPC_REPLY_RECEIVE_REGISTERS;
}

static long fuzz_call(uint64_t *state)
{
    uint64_t number = fuzz_number(state);
    uint64_t a[6];
    for (unsigned i = 0; i < 6; i++)
        a[i] = fuzz_argument(state);
    if (number == NONOS_SYSCALL_TIMER_SLEEP)
        a[1] %= 1000;
    if (fuzz_waits(number)) {
        a[0] = 1u << 20; /* beyond any capability table: names nothing */
        if (number == NONOS_SYSCALL_IPC_REPLY_RECEIVE)
            a[2] = 1u << 20;
        if (number == NONOS_SYSCALL_IPC_REPLY_RECEIVE_REGISTERS)
            a[0] = (1ull << 20) | (1ull << 20) << 32; /* endpoint and reply slot */
    }
    return nonos_syscall6((long)number, (long)a[0], (long)a[1], (long)a[2], (long)a[3],
                          (long)a[4], (long)a[5]);
}

int main(void)
{
    hostile_require_harness("hostile-fuzz");
    uint64_t state = (uint64_t)nonos_clock_read() | 1;
    hostile_print_number("hostile-fuzz: seed ", (long)state);
    nonos_cap_delete(NONOS_SLOT_CONSOLE);
    uint64_t wrong = 0;
    for (uint32_t i = 0; i < FUZZ_CALLS; i++) {
        long result = fuzz_call(&state);
        if (result < -FUZZ_ERROR_LAST)
            wrong++;
    }
    return wrong ? 1 : (int)FUZZ_CALLS;
}
